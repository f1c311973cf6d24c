package dev.signet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code signet export TRACE}: fetches the signed export bundle of a trace from the API. */
@Command(
    name = "export",
    description = {
      "Download the signed export bundle of a trace and save it as is.",
      "Sends GET {url}/v1/receipts/export/{trace} with the X-SIGNET-API-Key header.",
      "Verify it afterwards with: signet verify bundle FILE --jwks {url}/.well-known/jwks.json"
    })
final class ExportCommand implements Callable<Integer> {

  @Mixin HelpOption helpOption;

  static final String API_KEY_HEADER = "X-SIGNET-API-Key";

  @Parameters(index = "0", paramLabel = "TRACE", description = "The trace_id to export.")
  String trace;

  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "http://127.0.0.1:8088",
      description = "Base URL of the Signet API (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      defaultValue = "${env:SIGNET_API_KEY}",
      description =
          "API key of the trace's tenant (default: the SIGNET_API_KEY environment variable).")
  String apiKey;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Where to save the bundle (default: standard output).")
  Path output;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (apiKey == null || apiKey.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "an API key is required: --api-key KEY or SIGNET_API_KEY");
    }
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    String location = base + "/v1/receipts/export/" + pathSegment(trace);
    byte[] body = Inputs.get(location, API_KEY_HEADER, apiKey);
    JsonNode bundle = Inputs.json(body, location);
    if (output == null) {
      PrintWriter out = spec.commandLine().getOut();
      out.print(new String(body, StandardCharsets.UTF_8));
      out.flush();
    } else {
      try {
        Files.write(output, body);
      } catch (IOException e) {
        throw new CliException("cannot write " + output + ": " + e.getMessage(), e);
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "exported trace "
            + trace
            + ": "
            + bundle.path("chain").size()
            + " receipts"
            + (output == null ? "" : " saved to " + output));
    err.flush();
    return SignetCli.OK;
  }

  /** Percent-encodes everything but RFC 3986 unreserved characters. */
  static String pathSegment(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
