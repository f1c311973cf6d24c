package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code SP_API_KEYS_FILE} changed while the whole pipeline runs: a new key is accepted over HTTP
 * and over Kafka without a restart, and a removed key is refused on both paths — the processor
 * judging by the table it announced on the requests log, not by the one it started with.
 */
class ApiKeysReloadIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String WITH_ACME =
      "{\"demo_key\":{\"tenant\":\"demo\"},\"acme_key\":{\"tenant\":\"acme\"}}";
  private static final String ACME_ONLY = "{\"acme_key\":{\"tenant\":\"acme\"}}";

  private static LocalMode local;
  private static Path keysFile;
  private static KafkaProducer<String, byte[]> producer;
  private static KafkaConsumer<String, ExchangeResult> results;

  @BeforeAll
  static void start() throws Exception {
    Path dataDir = Files.createTempDirectory("signet-api-keys-reload-it");
    keysFile = Files.writeString(dataDir.resolve("api-keys.json"), LocalMode.DEMO_API_KEYS);
    Map<String, String> env = LocalModeITs.env(dataDir);
    env.put("SP_API_KEYS_FILE", keysFile.toString());
    env.put("SP_API_KEYS_RELOAD_INTERVAL", "1s");
    local = LocalMode.start(env);
    producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, local.kafkaBootstrap()),
            new StringSerializer(),
            new ByteArraySerializer());
    results = LocalModeITs.consumer(local.kafkaBootstrap(), Topics.EXCHANGE_RESULTS);
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (results != null) {
      results.close();
    }
    if (local != null) {
      local.close();
    }
  }

  @Test
  void shouldAcceptAnAddedKeyAndRefuseARemovedOneOnBothPathsWithoutARestart() throws Exception {
    assertThat(post("acme_key").statusCode()).isEqualTo(401);
    assertThat(async("acme_key").code()).isEqualTo("AUTH_INVALID");
    assertThat(async("demo_key").status()).isEqualTo(200);

    replaceKeysFile(WITH_ACME);

    // Ingress and the processor each pick the file up within their interval.
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              HttpResponse<String> answer = post("acme_key");
              assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            });
    HttpResponse<String> accepted = post("acme_key");
    assertThat(Json.parse(accepted.body()).at("/receipt/tenant").asText()).isEqualTo("acme");
    ExchangeResult asyncAccepted = async("acme_key");
    assertThat(asyncAccepted.status()).isEqualTo(200);
    assertThat(asyncAccepted.body().tree().at("/receipt/tenant").asText()).isEqualTo("acme");

    replaceKeysFile(ACME_ONLY);

    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> "AUTH_INVALID".equals(async("demo_key").code()));
    assertThat(post("demo_key").statusCode()).isEqualTo(401);
    assertThat(async("acme_key").status()).isEqualTo(200);

    // Billing re-reads on its own clock: it too comes to the one key left.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(get("/metrics"))
                    .containsPattern(
                        "signet_processor_key_table_announcements_total"
                            + "\\{[^}]*result=\"announced\"[^}]*\\} [3-9]")
                    .contains("signet_api_keys{service=\"billing\"} 1.0")
                    .contains("signet_api_keys{service=\"processor\"} 1.0"));
  }

  // As an editor or a Secret mount would: the new content appears at once, never half-written.
  private static void replaceKeysFile(String json) throws Exception {
    Path next = keysFile.resolveSibling("api-keys.json.next");
    Files.writeString(next, json);
    Files.move(next, keysFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static HttpResponse<String> post(String apiKey) throws Exception {
    String trace = "reload-http-" + UUID.randomUUID();
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base() + "/v1/exchange"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("X-SIGNET-API-Key", apiKey)
            .header("X-SIGNET-Idempotency-Key", trace)
            .POST(HttpRequest.BodyPublishers.ofString(PipelineIT.invoice(trace, "10")))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String get(String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(base() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** A request published straight to the requests topic, as an async producer does. */
  private static ExchangeResult async(String apiKey) throws Exception {
    String trace = "reload-async-" + UUID.randomUUID();
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            Topics.EXCHANGE_REQUESTS.name(),
            trace,
            PipelineIT.invoice(trace, "11").getBytes(StandardCharsets.UTF_8));
    record.headers().add(SignetHeaders.API_KEY, apiKey.getBytes(StandardCharsets.UTF_8));
    producer.send(record).get();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, ExchangeResult> result : results.poll(Duration.ofMillis(200))) {
        if (trace.equals(result.key())) {
          return result.value();
        }
      }
    }
    throw new AssertionError("no result for " + trace + " within 30 s");
  }

  private static String base() {
    return "http://127.0.0.1:" + local.pipeline().httpPort();
  }
}
