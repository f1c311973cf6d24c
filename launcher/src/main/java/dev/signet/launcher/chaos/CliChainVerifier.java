package dev.signet.launcher.chaos;

import dev.signet.cli.SignetCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Verifies a run's chains as a tenant would, through the CLI's own commands: {@code signet export
 * TRACE} fetches the signed export bundle from ingress, {@code signet verify bundle FILE --jwks
 * URL} checks it offline (every receipt's hash and signature, the hop links, the bundle's cid and
 * signature) with the keys ingress publishes. A trace fails when either command does not exit 0;
 * its bundle stays under the run directory (a verified one is deleted: a full run has thousands).
 */
final class CliChainVerifier {

  private static final int THREADS = 4;

  private final String ingressBase;
  private final Path bundles;

  CliChainVerifier(String ingressBase, Path bundles) {
    this.ingressBase = ingressBase;
    this.bundles = bundles;
  }

  /**
   * The traces whose export or verification failed, with the CLI's output.
   *
   * @param apiKeyOfTrace the API key of each trace's tenant (export is tenant-scoped)
   */
  Map<String, String> rejected(Map<String, String> apiKeyOfTrace) throws InterruptedException {
    try {
      Files.createDirectories(bundles);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + bundles, e);
    }
    Map<String, String> rejected = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      apiKeyOfTrace.forEach(
          (trace, apiKey) ->
              done.add(
                  pool.submit(
                      () -> {
                        String failure = verify(trace, apiKey);
                        if (failure != null) {
                          rejected.put(trace, failure);
                        }
                      })));
      for (Future<?> f : done) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("verifying chains with the CLI failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return rejected;
  }

  /** Null when the trace exports and verifies, else what the CLI said. */
  String verify(String trace, String apiKey) {
    Path file = bundles.resolve(trace + ".json");
    String exported =
        run(
            "export",
            trace,
            "--url",
            ingressBase,
            "--api-key",
            apiKey,
            "--output",
            file.toString());
    if (exported != null) {
      return "export: " + exported;
    }
    String verified =
        run("verify", "bundle", file.toString(), "--jwks", ingressBase + "/.well-known/jwks.json");
    if (verified != null) {
      return "verify: " + verified;
    }
    try {
      Files.delete(file);
    } catch (IOException e) {
      // a verified bundle left behind costs disk, nothing else
    }
    return null;
  }

  /** Runs one CLI command in this JVM; null when it exits 0, else its exit code and output. */
  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        SignetCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    if (exit == SignetCli.OK) {
      return null;
    }
    return "exit " + exit + ": " + (out + " " + err).strip().replace('\n', ' ');
  }
}
