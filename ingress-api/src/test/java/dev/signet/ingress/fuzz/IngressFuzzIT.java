package dev.signet.ingress.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import dev.signet.ingress.IngressApplication;
import dev.signet.ingress.RunningPipeline;
import dev.signet.ingress.fuzz.FuzzRequests.FuzzRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * 10,000 hostile requests ({@link FuzzRequests}, seed {@value #SEED}, or {@code
 * -Dsignet.fuzz.seed=N}) over real HTTP against a running ingress in front of the real processor:
 * every answer is a 2xx (the valid ones, OPTIONS) or a 4xx, never a 5xx (the pipeline is up, so
 * neither 503 nor 504 is expected either), every error is {@code application/problem+json} with a
 * {@code code} that matches its status, and afterwards the service still verifies a valid exchange.
 * A client may see its connection closed only when it sent more than the body limit (Tomcat closes
 * on a 413 with the upload unread).
 */
@SpringBootTest(
    classes = IngressApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "signet.reply-timeout=30s",
      "logging.level.dev.signet.ingress=ERROR",
      "logging.level.org.apache.kafka=WARN"
    })
class IngressFuzzIT {

  static final long SEED = 20261206L;
  static final int REQUESTS = 10_000;
  static final int IN_FLIGHT = 8;
  static final int MAX_BODY_BYTES = 262_144;

  /** server.max-http-request-header-size in application.yml. */
  static final int MAX_HEADER_BYTES = 8 * 1024;

  @LocalServerPort int port;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @DynamicPropertySource
  static void pipeline(DynamicPropertyRegistry registry) {
    RunningPipeline.get().register(registry);
  }

  @Test
  void shouldAnswerEveryHostileRequestWithAProblemAndStayUp() throws Exception {
    long seed = Long.getLong("signet.fuzz.seed", SEED);
    FuzzRequests requests = new FuzzRequests(seed, RunningPipeline.invoice(null, "10"));
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger unsendable = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();

    ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
    long started = System.nanoTime();
    for (int i = 0; i < REQUESTS; i++) {
      FuzzRequest request = requests.next(i);
      int index = i;
      pool.execute(
          () -> {
            HttpRequest built;
            try {
              built = build(request);
            } catch (IllegalArgumentException e) {
              // A header value java.net.http refuses to send (e.g. beyond Latin-1).
              unsendable.incrementAndGet();
              return;
            }
            try {
              HttpResponse<byte[]> response =
                  http.send(built, HttpResponse.BodyHandlers.ofByteArray());
              statuses
                  .computeIfAbsent(response.statusCode(), s -> new AtomicInteger())
                  .incrementAndGet();
              check(request, response).ifPresent(why -> failures.add("#" + index + " " + why));
            } catch (IOException e) {
              closed.incrementAndGet();
              // Past the body or header limit Tomcat answers and closes without reading the
              // rest; the kernel may then reset the connection before the client reads the
              // answer. Anything within the limits must be answered.
              if (request.body().length <= MAX_BODY_BYTES
                  && headerBytes(request) <= MAX_HEADER_BYTES) {
                failures.add("#" + index + " connection failed: " + e + " for " + request.why());
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    System.out.printf(
        "fuzz seed %d: %d requests in %d s, statuses %s, %d not sendable by the client,"
            + " %d connections closed on oversize uploads or headers%n",
        seed, REQUESTS, seconds, new java.util.TreeMap<>(statuses), unsendable.get(), closed.get());

    List<String> report = new ArrayList<>(failures);
    assertThat(report).as("answers that broke the rules (seed %d)", seed).isEmpty();
    assertThat(unsendable.get()).isLessThan(REQUESTS / 20);
    assertThat(statuses.keySet()).as("some requests were valid").contains(200);

    HttpResponse<String> valid =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/exchange"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-SIGNET-API-Key", FuzzRequests.VALID_KEY)
                .header("X-SIGNET-Idempotency-Key", "after-the-fuzz")
                .POST(HttpRequest.BodyPublishers.ofString(RunningPipeline.invoice(null, "10")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(valid.statusCode()).isEqualTo(200);
    assertThat(Json.parse(valid.body()).at("/receipt/tenant").asText()).isEqualTo("fuzz");
  }

  private static int headerBytes(FuzzRequest request) {
    int bytes = request.method().length() + request.path().length() + " HTTP/1.1\r\n".length();
    for (String[] header : request.headers()) {
      bytes += header[0].length() + header[1].length() + ": \r\n".length();
    }
    return bytes;
  }

  private HttpRequest build(FuzzRequest request) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + request.path()))
            .timeout(Duration.ofSeconds(40))
            .method(
                request.method(),
                request.body().length == 0 && !request.method().equals("POST")
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    for (String[] header : request.headers()) {
      builder.header(header[0], header[1]);
    }
    return builder.build();
  }

  /** Why the answer breaks the rules, if it does. */
  private static java.util.Optional<String> check(
      FuzzRequest request, HttpResponse<byte[]> response) {
    int status = response.statusCode();
    String where = status + " to " + request.method() + " " + request.path() + " " + request.why();
    if (status >= 500) {
      return java.util.Optional.of("server error " + where + ": " + text(response));
    }
    if (status < 400) {
      return java.util.Optional.empty();
    }
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("application/problem+json")) {
      return java.util.Optional.of("not a problem (" + type + ") " + where + ": " + text(response));
    }
    if (request.method().equals("HEAD")) {
      return java.util.Optional.empty();
    }
    JsonNode problem;
    try {
      problem = Json.parse(response.body());
    } catch (RuntimeException e) {
      return java.util.Optional.of("unreadable problem " + where + ": " + text(response));
    }
    if (!problem.path("code").isTextual() || problem.path("status").asInt() != status) {
      return java.util.Optional.of("problem without code or status " + where + ": " + problem);
    }
    return java.util.Optional.empty();
  }

  private static String text(HttpResponse<byte[]> response) {
    String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    return body.length() > 300 ? body.substring(0, 300) + "…" : body;
  }
}
