package dev.signet.shell;

import dev.signet.core.config.Env;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * {@code signet healthcheck [URL]}: exits 0 when {@code GET URL} answers 2xx, 1 otherwise (other
 * status, refused, timed out), 2 on bad usage. For container health checks in an image that has no
 * curl or wget. The URL defaults to this host's {@code /healthz} on {@code SP_METRICS_PORT}.
 *
 * <p>It lives in the service shell, which every service image carries, so each image checks itself:
 * {@code java -cp @/app/jib-classpath-file dev.signet.shell.HealthCheckCommand [URL]}.
 */
public final class HealthCheckCommand {

  static final Duration TIMEOUT = Duration.ofSeconds(3);

  private HealthCheckCommand() {}

  /** The container entry point: exits with {@link #run}'s status. */
  public static void main(String[] args) {
    System.exit(run(args, Env.system(), System.out));
  }

  public static int run(String[] args, Map<String, String> environment, PrintStream out) {
    return run(args, Env.of(environment), out);
  }

  public static int run(String[] args, Env environment, PrintStream out) {
    if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
      out.println(
          "usage: signet healthcheck [URL]   (default http://127.0.0.1:$SP_METRICS_PORT/healthz)");
      return 2;
    }
    URI uri;
    try {
      uri =
          args.length == 1
              ? URI.create(args[0])
              : URI.create("http://127.0.0.1:" + ServiceEndpoint.port(environment) + "/healthz");
    } catch (IllegalArgumentException e) {
      out.println("healthcheck: " + e.getMessage());
      return 2;
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      out.println(response.statusCode() + " " + response.body().strip());
      return response.statusCode() / 100 == 2 ? 0 : 1;
    } catch (IOException | IllegalArgumentException e) {
      out.println("healthcheck: " + uri + ": " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.println("healthcheck: interrupted");
      return 1;
    }
  }
}
