package dev.signet.cli;

import dev.signet.core.json.Canonical;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code signet canonicalize FILE}: the RFC 8785 text, exactly, with no trailing newline. */
@Command(
    name = "canonicalize",
    description = {
      "Print the RFC 8785 (JCS) canonical form of a JSON document.",
      "The output is UTF-8 with no trailing newline, so that",
      "'signet canonicalize doc.json | sha256sum' prints the hex of the document's cid."
    })
final class CanonicalizeCommand implements Callable<Integer> {

  @Mixin HelpOption helpOption;

  @Parameters(index = "0", paramLabel = "FILE", description = "JSON file, or - for standard input.")
  String file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String canonical;
    try {
      canonical = Canonical.canonicalize(Inputs.json(file));
    } catch (IllegalArgumentException e) {
      String source = "-".equals(file) ? "standard input" : file;
      throw new CliException(source + " has no RFC 8785 form: " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(canonical);
    out.flush();
    return SignetCli.OK;
  }
}
