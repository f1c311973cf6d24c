package dev.signet.cli;

import dev.signet.core.config.Env;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code signet}: offline verification of SR-1 receipts, chains and export bundles, RFC 8785
 * canonicalisation, key generation and bundle export. Every rule it applies comes from {@code
 * core}; this module only reads input, calls core and reports.
 *
 * <p>Exit codes: {@value #OK} valid (or done), {@value #INVALID} invalid, {@value #ERROR} usage or
 * I/O error.
 */
@Command(
    name = "signet",
    mixinStandardHelpOptions = true,
    versionProvider = SignetCli.Version.class,
    subcommands = {
      VerifyCommand.class,
      CanonicalizeCommand.class,
      KeygenCommand.class,
      ExportCommand.class,
      BillingCommand.class,
      TopicsCommand.class,
      CommandLine.HelpCommand.class
    },
    description = "Verify Signet SR-1 receipts, chains and export bundles offline.",
    footer = {
      "",
      "Exit codes: 0 valid, 1 invalid, 2 usage or I/O error.",
      "Example:",
      "  signet verify bundle bundle.json --jwks http://127.0.0.1:8088/.well-known/jwks.json"
    })
public final class SignetCli implements Runnable {

  public static final int OK = 0;
  public static final int INVALID = 1;
  public static final int ERROR = 2;

  @Spec private CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "a command is required: verify, canonicalize, keygen, export, billing or topics");
  }

  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int exitCode = commandLine(out, err).execute(args);
    out.flush();
    err.flush();
    System.exit(exitCode);
  }

  /** The configured command line; {@code main} and the tests both run through it. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, Env.system());
  }

  /**
   * The command line over the given environment: the commands that read {@code SP_*} variables read
   * them from {@code env}, so a test can hand them a Stripe key without touching the process
   * environment.
   */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, Env env) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> type) throws Exception {
            if (type == ReconcileCommand.class) {
              return type.cast(new ReconcileCommand(env));
            }
            if (type == TopicsApplyCommand.class) {
              return type.cast(new TopicsApplyCommand(env));
            }
            return defaults.create(type);
          }
        };
    CommandLine commandLine = new CommandLine(new SignetCli(), factory);
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (e, failed, parseResult) -> {
          failed.getErr().println("signet: " + describe(e));
          failed.getErr().flush();
          return ERROR;
        });
    return commandLine;
  }

  private static String describe(Exception e) {
    if (e instanceof CliException) {
      return e.getMessage();
    }
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    return e.getClass().getSimpleName() + message;
  }

  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = SignetCli.class.getPackage().getImplementationVersion();
      return new String[] {"signet " + (version == null ? "(development build)" : version)};
    }
  }
}
