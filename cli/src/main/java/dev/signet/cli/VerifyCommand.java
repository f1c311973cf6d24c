package dev.signet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.receipt.ExportBundle;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.receipt.Verification;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code signet verify receipt|chain|bundle FILE [--jwks FILE|URL]}. */
@Command(
    name = "verify",
    subcommands = {
      VerifyCommand.ReceiptCommand.class,
      VerifyCommand.ChainCommand.class,
      VerifyCommand.BundleCommand.class
    },
    description = {
      "Verify a receipt, a chain or an export bundle under SR-1.",
      "Prints 'valid', or 'invalid:' with the receipt, its hop and the check that failed.",
      "Without --jwks only hashes and links are checked, not signatures, and the output says so."
    })
final class VerifyCommand implements Runnable {

  /** Above this many receipts a progress line goes to standard error. */
  static final int PROGRESS_THRESHOLD = 1000;

  @Mixin HelpOption helpOption;

  @Spec private CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "verify what? receipt, chain or bundle");
  }

  /** The FILE and --jwks every verify command takes. */
  static final class Target {
    @Parameters(
        index = "0",
        paramLabel = "FILE",
        description = "JSON file to verify, or - for standard input.")
    String file;

    @Option(
        names = "--jwks",
        paramLabel = "FILE|URL",
        description =
            "Keys to verify signatures with: a JWKS file or URL, e.g. http://127.0.0.1:8088/.well-known/jwks.json")
    String jwks;
  }

  @Command(name = "receipt", description = "Verify one receipt (a JSON object).")
  static final class ReceiptCommand implements Callable<Integer> {
    @Mixin HelpOption helpOption;
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode receipt = Inputs.json(target.file);
      Jwks jwks = target.jwks == null ? null : Inputs.jwks(target.jwks);
      Verification result = verifier(jwks).verifyReceipt(receipt);
      return report(
          spec,
          result,
          "receipt " + label(receipt),
          1,
          checks(jwks, target.jwks, "cid and receipt_hash"));
    }
  }

  @Command(
      name = "chain",
      description =
          "Verify a chain: a JSON array of receipts, or an object with a \"chain\" array.")
  static final class ChainCommand implements Callable<Integer> {
    @Mixin HelpOption helpOption;
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode document = Inputs.json(target.file);
      JsonNode array = document.isArray() ? document : document.path("chain");
      if (!array.isArray()) {
        throw new CliException(
            target.file
                + " holds neither a JSON array of receipts nor an object with a \"chain\" array");
      }
      List<JsonNode> chain = new ArrayList<>(array.size());
      array.forEach(chain::add);
      Jwks jwks = target.jwks == null ? null : Inputs.jwks(target.jwks);
      Progress progress = Progress.start(spec, chain.size());
      Verification result = verifier(jwks).verifyChain(chain);
      progress.done();
      String what = chain.isEmpty() ? "chain" : "chain " + label(chain.get(0));
      return report(
          spec,
          result,
          what,
          chain.size(),
          checks(jwks, target.jwks, "cid, receipt_hash and hop links"));
    }
  }

  @Command(
      name = "bundle",
      description =
          "Verify an export bundle: its chain, trace, bundle_cid and (with --jwks) its signature.")
  static final class BundleCommand implements Callable<Integer> {
    @Mixin HelpOption helpOption;
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode bundle = Inputs.json(target.file);
      Jwks jwks = target.jwks == null ? null : Inputs.jwks(target.jwks);
      int receipts = bundle.path("chain").size();
      Progress progress = Progress.start(spec, receipts);
      Verification result =
          jwks == null ? ExportBundle.verifyHashesOnly(bundle) : ExportBundle.verify(bundle, jwks);
      progress.done();
      String what =
          "bundle " + label(bundle) + " exported_at=" + bundle.path("exported_at").asText("?");
      String hashes = "cid, receipt_hash, hop links and bundle_cid";
      return report(spec, result, what, receipts, checks(jwks, target.jwks, hashes));
    }
  }

  private static ReceiptVerifier verifier(Jwks jwks) {
    return jwks == null ? ReceiptVerifier.hashesOnly() : ReceiptVerifier.withKeys(jwks);
  }

  private static String label(JsonNode node) {
    return "trace_id=" + node.path("trace_id").asText("?");
  }

  private static String checks(Jwks jwks, String source, String hashes) {
    if (jwks == null) {
      return hashes + " only; signatures NOT verified (no --jwks given)";
    }
    int keys = jwks.keys().size();
    return hashes
        + ", and Ed25519 signatures against "
        + keys
        + (keys == 1 ? " key" : " keys")
        + " from "
        + source;
  }

  private static int report(
      CommandSpec spec, Verification result, String what, int receipts, String checks) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        result instanceof Verification.Invalid invalid
            ? "invalid: " + invalid.describe()
            : "valid");
    out.println(
        what
            + ": "
            + receipts
            + (receipts == 1 ? " receipt" : " receipts")
            + "; checks: "
            + checks);
    out.flush();
    return result.valid() ? SignetCli.OK : SignetCli.INVALID;
  }

  /** One line on standard error before and after a long verification. */
  private record Progress(PrintWriter err, int receipts, long startNanos) {
    static Progress start(CommandSpec spec, int receipts) {
      PrintWriter err = receipts > PROGRESS_THRESHOLD ? spec.commandLine().getErr() : null;
      if (err != null) {
        err.println("verifying " + receipts + " receipts...");
        err.flush();
      }
      return new Progress(err, receipts, System.nanoTime());
    }

    void done() {
      if (err != null) {
        err.println(
            "verified "
                + receipts
                + " receipts in "
                + (System.nanoTime() - startNanos) / 1_000_000
                + " ms");
        err.flush();
      }
    }
  }
}
