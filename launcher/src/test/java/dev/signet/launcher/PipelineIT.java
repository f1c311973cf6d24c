package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.json.Json;
import dev.signet.core.message.HourlyUsage;
import dev.signet.core.receipt.ExportBundle;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.topic.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole local pipeline as a user meets it: HTTP in, receipts verified from PostgreSQL with the
 * live JWKS, hourly usage on the billing topic, and a restart that neither loses nor forks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String TRACE = "it-trace-1";
  private static Map<String, String> env;
  private static LocalMode local;

  @BeforeAll
  static void start() throws IOException {
    Path dataDir = Files.createTempDirectory("signet-pipeline-it");
    env = LocalModeITs.env(dataDir);
    local = LocalMode.start(env);
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
  }

  /** Points this class's HTTP helpers at another running pipeline (other ITs reuse them). */
  static void useLocal(LocalMode other) {
    local = other;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static String base() {
    return "http://127.0.0.1:" + local.pipeline().httpPort();
  }

  static String invoice(String traceId, String amount) {
    String arguments =
        "{\"invoice_id\":\"INV-7\",\"amount\":"
            + amount
            + ",\"currency\":\"USD\",\"customer_name\":\"ACME\",\"description\":\"API usage\"}";
    return "{\"payload_type\":\"openai.tooluse.invoice.v1\",\"target_type\":\"invoice.iso20022.v1\",\"trace_id\":\""
        + traceId
        + "\",\"payload\":{\"tool_calls\":[{\"type\":\"function\",\"function\":{\"name\":\"create_invoice\",\"arguments\":"
        + Json.toText(arguments)
        + "}}]}}";
  }

  static HttpResponse<String> post(String path, String body, String idempotencyKey)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("X-SIGNET-API-Key", "demo_key")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("X-SIGNET-Idempotency-Key", idempotencyKey);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("X-SIGNET-API-Key", "demo_key")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static Jwks liveJwks() throws Exception {
    return Jwks.parse(get("/.well-known/jwks.json").body());
  }

  static List<JsonNode> storedChain(int hops) throws Exception {
    List<JsonNode> chain = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              HttpResponse<String> response = get("/v1/receipts/chain/" + TRACE);
              if (response.statusCode() != 200) {
                return false;
              }
              chain.clear();
              Json.parse(response.body()).get("chain").forEach(chain::add);
              return chain.size() == hops;
            });
    return chain;
  }

  @Test
  @Order(1)
  void shouldIssueTwoHopsThatVerifyFromPostgresWithTheLiveJwks() throws Exception {
    HttpResponse<String> first = post("/v1/exchange", invoice(TRACE, "123.45"), "hop-1");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("X-SIGNET-Trace")).contains(TRACE);
    JsonNode body = Json.parse(first.body());
    assertThat(body.at("/normalized/Document/Invoice/TotalMinor").asLong()).isEqualTo(12345);
    assertThat(body.at("/receipt/hop").asInt()).isEqualTo(1);

    HttpResponse<String> second = post("/v1/exchange", invoice(TRACE, "10"), "hop-2");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(Json.parse(second.body()).at("/receipt/prev_receipt_hash").asText())
        .isEqualTo(body.at("/receipt/receipt_hash").asText());

    List<JsonNode> chain = storedChain(2);
    assertThat(ReceiptVerifier.withKeys(liveJwks()).verifyChain(chain).valid()).isTrue();
  }

  @Test
  @Order(2)
  void shouldReplayAnIdempotentRetryWithoutASecondReceipt() throws Exception {
    HttpResponse<String> replay = post("/v1/exchange", invoice(TRACE, "10"), "hop-2");
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.headers().firstValue("X-SIGNET-Idempotency-Hit")).contains("1");
    assertThat(Json.parse(replay.body()).at("/receipt/hop").asInt()).isEqualTo(2);

    HttpResponse<String> conflict = post("/v1/exchange", invoice(TRACE, "11"), "hop-2");
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(Json.parse(conflict.body()).get("code").asText()).isEqualTo("IDEMPOTENCY_CONFLICT");
    assertThat(storedChain(2)).hasSize(2);
  }

  @Test
  @Order(3)
  void shouldAnswerBadRequestsWithProblems() throws Exception {
    HttpResponse<String> missingKey = post("/v1/exchange", invoice("t-x", "1"), null);
    assertThat(missingKey.statusCode()).isEqualTo(400);
    assertThat(missingKey.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    // A string amount only the model could repair, and the demo tenant has no fallback.
    HttpResponse<String> invalid = post("/v1/exchange", invoice("t-x", "\"ten\""), "bad-1");
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(Json.parse(invalid.body()).get("code").asText()).isEqualTo("REPAIR_FAILED");
    assertThat(Json.parse(invalid.body()).get("detail").asText())
        .contains("/amount")
        .contains("llm_fallback: not enabled for this tenant");
    assertThat(get("/v1/receipts/chain/unknown-trace").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(4)
  void shouldExportABundleThatVerifiesOffline() throws Exception {
    HttpResponse<String> export = get("/v1/receipts/export/" + TRACE);
    assertThat(export.statusCode()).isEqualTo(200);
    JsonNode bundle = Json.parse(export.body());
    assertThat(export.headers().firstValue("X-ODIN-Response-CID"))
        .contains(bundle.get("bundle_cid").asText());
    assertThat(ExportBundle.verify(bundle, liveJwks()).valid()).isTrue();

    Path file = Files.createTempFile("bundle", ".json");
    Files.writeString(file, export.body());
    String jwksUrl = base() + "/.well-known/jwks.json";
    assertThat(cli("verify", "bundle", file.toString(), "--jwks", jwksUrl)).startsWith("0:valid");

    // One character of one receipt's canonical document changed: the CLI names the hop and the
    // check.
    Files.writeString(file, export.body().replaceFirst("INV-7", "INV-8"));
    assertThat(cli("verify", "bundle", file.toString(), "--jwks", jwksUrl))
        .startsWith("1:invalid")
        .contains("hop 1")
        .contains("CID_MISMATCH");
  }

  private static String cli(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int exit =
        dev.signet.cli.SignetCli.commandLine(
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true))
            .execute(args);
    return exit + ":" + out + err;
  }

  @Test
  @Order(5)
  void shouldPublishHourlyUsageForFinance() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, local.kafkaBootstrap());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-finance");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, HourlyUsage> latest = new HashMap<>();
    try (KafkaConsumer<String, HourlyUsage> consumer =
        new KafkaConsumer<>(
            props,
            Topics.BILLING_USAGE_HOURLY.keySerde().deserializer(),
            Topics.BILLING_USAGE_HOURLY.valueSerde().deserializer())) {
      consumer.subscribe(List.of(Topics.BILLING_USAGE_HOURLY.name()));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(record -> latest.put(record.key(), record.value()));
                return latest.values().stream()
                        .filter(usage -> usage.tenant().equals("demo"))
                        .mapToLong(HourlyUsage::vex)
                        .sum()
                    == 2;
              });
    }
  }

  @Test
  @Order(6)
  void shouldReportHealthAndMetrics() throws Exception {
    HttpResponse<String> health = get("/healthz");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(Json.parse(health.body()).get("status").asText()).isEqualTo("UP");
    assertThat(get("/metrics").body())
        .contains("signet_processor_exchanges_total")
        .contains("outcome=\"issued\"");
  }

  @Test
  @Order(7)
  void shouldContinueTheChainAfterARestartWithoutForking() throws Exception {
    local.close();
    local = LocalMode.start(env);

    HttpResponse<String> third = post("/v1/exchange", invoice(TRACE, "30"), "hop-3");
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(Json.parse(third.body()).at("/receipt/hop").asInt()).isEqualTo(3);
    HttpResponse<String> replayAfterRestart = post("/v1/exchange", invoice(TRACE, "10"), "hop-2");
    assertThat(replayAfterRestart.headers().firstValue("X-SIGNET-Idempotency-Hit")).contains("1");

    List<JsonNode> chain = storedChain(3);
    assertThat(ReceiptVerifier.withKeys(liveJwks()).verifyChain(chain).valid()).isTrue();
    assertThat(count("SELECT count(*) FROM receipt_conflicts")).isZero();
  }

  /** A count from the pipeline's PostgreSQL. */
  static long count(String sql) throws Exception {
    try (java.sql.Connection connection =
            java.sql.DriverManager.getConnection(local.jdbcUrl(), "postgres", "postgres");
        java.sql.Statement statement = connection.createStatement();
        java.sql.ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
