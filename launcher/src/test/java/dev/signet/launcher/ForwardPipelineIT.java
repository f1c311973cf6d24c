package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.ReceiptVerifier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Forwarding on the whole local pipeline, as a tenant meets it over HTTP: {@code forward_url} on a
 * sync exchange, the forward worker's outcome signed into the receipt, the chain verified by the
 * CLI, a refusal that issues and bills nothing, and a 10 s upstream that does not hold up other
 * traces.
 *
 * <p>The upstream is a plain HTTP server on 127.0.0.1, reached through the development switch
 * ({@code SP_HEL_ALLOW_HTTP_LOOPBACK=true}) with its port as the only allowed port and {@code
 * 127.0.0.1} on the tenant's allow-list: the only way a test can forward end to end without leaving
 * loopback. The pinned TLS dial itself is covered by the processor's {@code ForwardWorkerIT} and
 * {@code PinnedForwarderTest}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForwardPipelineIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String KEY = "fwd_key";
  private static final String TENANT = "fwdco";
  private static final String TRACE = "fwd-trace-1";
  private static final byte[] ANSWER = "{\"received\":true}".getBytes(StandardCharsets.UTF_8);
  private static final Duration SLOW = Duration.ofSeconds(10);

  /** One request as the upstream read it. */
  private record Seen(String path, Headers headers, byte[] body) {}

  private static final List<Seen> seen = new CopyOnWriteArrayList<>();
  private static ExecutorService upstreamThreads;
  private static HttpServer upstream;
  private static LocalMode local;

  @BeforeAll
  static void start() throws Exception {
    upstreamThreads = Executors.newCachedThreadPool();
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.setExecutor(upstreamThreads);
    upstream.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            seen.add(new Seen(path, exchange.getRequestHeaders(), body));
            if (path.equals("/slow")) {
              sleep(SLOW);
            }
            exchange.sendResponseHeaders(200, ANSWER.length);
            exchange.getResponseBody().write(ANSWER);
          }
        });
    upstream.start();

    Map<String, String> env =
        LocalModeITs.env(Files.createTempDirectory("signet-forward-pipeline-it"));
    env.put(
        "SP_API_KEYS",
        "{\"" + KEY + "\": {\"tenant\": \"" + TENANT + "\", \"allowlist\": [\"127.0.0.1\"]}}");
    env.put("SP_HEL_ALLOW_HTTP_LOOPBACK", "true");
    env.put("SP_HEL_PORTS", Integer.toString(upstream.getAddress().getPort()));
    // The slow upstream's answer must arrive, not time out.
    env.put("SP_HEL_READ_TIMEOUT", "20");
    env.put("SP_HEL_TOTAL_TIMEOUT", "25");
    local = LocalMode.start(env);
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
    upstream.stop(0);
    upstreamThreads.shutdownNow();
  }

  @Test
  @Order(1)
  void shouldRefuseAHostOnNoAllowListWithoutAReceipt() throws Exception {
    HttpResponse<String> response =
        exchange("fwd-denied", "https://hooks.unlisted.example/hook", "denied-1");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    JsonNode problem = Json.parse(response.body());
    assertThat(problem.get("code").asText()).isEqualTo("HEL_HOST_NOT_ALLOWED");
    assertThat(problem.has("receipt")).isFalse();
    assertThat(get("/v1/receipts/chain/fwd-denied").statusCode()).isEqualTo(404);
    assertThat(seen).isEmpty();
  }

  @Test
  @Order(2)
  void shouldForwardAndSignTheOutcomeIntoAReceiptTheCliVerifies() throws Exception {
    String hook = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/hook";

    HttpResponse<String> first = exchange(TRACE, hook, "fwd-hop-1");
    HttpResponse<String> second = exchange(TRACE, hook, "fwd-hop-2");

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    JsonNode body = Json.parse(first.body());
    JsonNode receipt = body.get("receipt");
    assertThat(body.get("forwarded")).isEqualTo(receipt.get("forwarded"));
    JsonNode forwarded = receipt.get("forwarded");
    assertThat(forwarded.get("url").asText()).isEqualTo(hook);
    assertThat(forwarded.get("host").asText()).isEqualTo("127.0.0.1");
    assertThat(forwarded.get("pinned_ip").asText()).isEqualTo("127.0.0.1");
    assertThat(forwarded.get("status_code").asInt()).isEqualTo(200);
    assertThat(forwarded.get("response_size").asLong()).isEqualTo(ANSWER.length);
    assertThat(forwarded.get("response_cid").asText()).isEqualTo(Hashes.sha256(ANSWER));
    assertThat(forwarded.path("error").isMissingNode() || forwarded.get("error").isNull()).isTrue();

    // The upstream got the receipt's canonical document, its cid, and the trace.
    List<Seen> hooks = seen.stream().filter(s -> s.path().equals("/hook")).toList();
    assertThat(hooks).hasSize(2);
    Seen delivered = hooks.get(0);
    assertThat(new String(delivered.body(), StandardCharsets.UTF_8))
        .isEqualTo(receipt.get("canon").asText());
    assertThat(delivered.headers().getFirst("X-Signet-Cid"))
        .isEqualTo(receipt.get("cid").asText())
        .isEqualTo(Hashes.sha256(delivered.body()));
    assertThat(delivered.headers().getFirst("X-Signet-Trace")).isEqualTo(TRACE);
    assertThat(hooks.get(1).headers().getFirst("X-Signet-Exchange-Id"))
        .as("each exchange has its own id")
        .isNotEqualTo(delivered.headers().getFirst("X-Signet-Exchange-Id"));

    List<JsonNode> chain = storedChain(TRACE, 2);
    assertThat(chain)
        .allSatisfy(r -> assertThat(r.at("/forwarded/status_code").asInt()).isEqualTo(200));
    assertThat(ReceiptVerifier.withKeys(liveJwks()).verifyChain(chain).valid()).isTrue();

    HttpResponse<String> export = get("/v1/receipts/export/" + TRACE);
    assertThat(export.statusCode()).isEqualTo(200);
    Path file = Files.createTempFile("forward-bundle", ".json");
    Files.writeString(file, export.body());
    String jwks = base() + "/.well-known/jwks.json";
    assertThat(cli("verify", "bundle", file.toString(), "--jwks", jwks)).startsWith("0:valid");
    // The forward outcome is signed: changing the recorded status breaks the bundle.
    String tampered = export.body().replaceFirst("\"status_code\":200", "\"status_code\":201");
    assertThat(tampered).isNotEqualTo(export.body());
    Files.writeString(file, tampered);
    assertThat(cli("verify", "bundle", file.toString(), "--jwks", jwks)).startsWith("1:invalid");
  }

  @Test
  @Order(3)
  void shouldAnswerFastTracesWhileAnotherTracesUpstreamTakesTenSeconds() throws Exception {
    String base = "http://127.0.0.1:" + upstream.getAddress().getPort();
    int slowBefore = countSeen("/slow");
    long slowSent = System.nanoTime();
    CompletableFuture<HttpResponse<String>> slow =
        HTTP.sendAsync(
            exchangeRequest("fwd-slow", base + "/slow", "slow-1"),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(30)).until(() -> countSeen("/slow") == slowBefore + 1);

    List<Long> fastMillis = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long sent = System.nanoTime();
      HttpResponse<String> fast = exchange("fwd-fast-" + i, base + "/hook", "fast-" + i);
      fastMillis.add(Duration.ofNanos(System.nanoTime() - sent).toMillis());
      assertThat(fast.statusCode()).as(fast.body()).isEqualTo(200);
      assertThat(Json.parse(fast.body()).at("/receipt/forwarded/status_code").asInt())
          .isEqualTo(200);
    }
    // Sync callers wait SP_REPLY_TIMEOUT (10 s): the slow one may get 504 first, then its result
    // on a retry with the same idempotency key.
    HttpResponse<String> slowFirst = slow.get();
    HttpResponse<String> slowResult = slowFirst;
    while (slowResult.statusCode() != 200) {
      assertThat(slowResult.statusCode()).as(slowResult.body()).isIn(504, 409);
      Thread.sleep(200);
      slowResult = exchange("fwd-slow", base + "/slow", "slow-1");
      assertThat(Duration.ofNanos(System.nanoTime() - slowSent)).isLessThan(Duration.ofSeconds(60));
    }
    long slowMillis = Duration.ofNanos(System.nanoTime() - slowSent).toMillis();

    System.out.printf(
        "ForwardPipelineIT: while one trace's upstream took 10 s, three sync forwards on other"
            + " traces were answered in %s ms (HTTP round trip); the slow one's first answer was"
            + " %d, its receipt after %d ms%n",
        fastMillis, slowFirst.statusCode(), slowMillis);
    assertThat(fastMillis).allSatisfy(ms -> assertThat(ms).isLessThan(5_000L));
    assertThat(slowMillis).isGreaterThanOrEqualTo(SLOW.toMillis());
    assertThat(Json.parse(slowResult.body()).at("/receipt/forwarded/status_code").asInt())
        .isEqualTo(200);
  }

  @Test
  @Order(4)
  void shouldBillEveryReceiptAndNotTheRefusal() throws Exception {
    // Receipts so far: two hops, three fast traces, the slow one; the refusal issued none.
    long receipts = 6;
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                count("SELECT count(*) FROM receipts WHERE tenant = '" + TENANT + "'") == receipts);
    assertThat(count("SELECT count(*) FROM receipts WHERE trace_id = 'fwd-denied'")).isZero();
    String period = YearMonth.now(ZoneOffset.UTC).toString();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonNode usage = Json.parse(get("/v1/billing/usage?period=" + period).body());
              assertThat(usage.at("/types/vex/used").asLong()).isEqualTo(receipts);
            });
  }

  // --- helpers ---

  private static int countSeen(String path) {
    return (int) seen.stream().filter(s -> s.path().equals(path)).count();
  }

  private static HttpResponse<String> exchange(String trace, String forwardUrl, String key)
      throws Exception {
    return HTTP.send(exchangeRequest(trace, forwardUrl, key), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest exchangeRequest(String trace, String forwardUrl, String key) {
    ObjectNode body = (ObjectNode) Json.parse(PipelineIT.invoice(trace, "12.50"));
    body.put("forward_url", forwardUrl);
    return HttpRequest.newBuilder(URI.create(base() + "/v1/exchange"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("X-SIGNET-API-Key", KEY)
        .header("X-SIGNET-Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(Json.toText(body)))
        .build();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("X-SIGNET-API-Key", KEY)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonNode> storedChain(String trace, int hops) {
    List<JsonNode> chain = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              HttpResponse<String> response = get("/v1/receipts/chain/" + trace);
              if (response.statusCode() != 200) {
                return false;
              }
              chain.clear();
              Json.parse(response.body()).get("chain").forEach(chain::add);
              return chain.size() == hops;
            });
    return chain;
  }

  private static Jwks liveJwks() throws Exception {
    return Jwks.parse(get("/.well-known/jwks.json").body());
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        dev.signet.cli.SignetCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(args);
    return exit + ":" + out + err;
  }

  private static long count(String sql) throws Exception {
    try (java.sql.Connection connection =
            java.sql.DriverManager.getConnection(local.jdbcUrl(), "postgres", "postgres");
        java.sql.Statement statement = connection.createStatement();
        java.sql.ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static String base() {
    return "http://127.0.0.1:" + local.pipeline().httpPort();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
