package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.Policy;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import dev.signet.core.trace.TracePartitioner;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.zip.CRC32;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promises of one receipt per exchange, on the paths that are not crashes, through the whole
 * local pipeline (four partitions): producers that partition differently and sync hops on the same
 * traces, records too large or not admissible, and forged receipts on the receipts topic.
 */
class IntegrityIT {

  private static final int PARTITIONS = 4;
  private static LocalMode local;

  @BeforeAll
  static void start() throws Exception {
    Path dataDir = Files.createTempDirectory("signet-integrity-it");
    Map<String, String> env = LocalModeITs.env(dataDir);
    env.put("SP_LOCAL_PARTITIONS", Integer.toString(PARTITIONS));
    local = LocalMode.start(env);
    PipelineIT.useLocal(local);
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
  }

  private enum Partitioner {
    JAVA_MURMUR2,
    LIBRDKAFKA_CRC32,
    WRONG_EXPLICIT_PARTITION,
    NULL_KEY
  }

  @Test
  void shouldKeepOneChainPerTraceWhenOtherPartitionersAndSyncHopsMeet() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> traces = new ArrayList<>();
    Partitioner[] kinds = Partitioner.values();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int i = 0; i < 8; i++) {
        String trace = "mixed-" + run + "-" + i;
        traces.add(trace);
        producer.send(
            asyncRequest(
                kinds[i % kinds.length], trace, PipelineIT.invoice(trace, "1"), "async-" + trace));
      }
    }
    for (String trace : traces) {
      awaitStoredHops(trace, 1);
      for (int hop = 2; hop <= 3; hop++) {
        HttpResponse<String> response =
            PipelineIT.post(
                "/v1/exchange",
                PipelineIT.invoice(trace, Integer.toString(hop)),
                "sync-" + trace + "-" + hop);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Json.parse(response.body()).at("/receipt/hop").asInt()).isEqualTo(hop);
      }
    }
    Jwks jwks = PipelineIT.liveJwks();
    for (String trace : traces) {
      List<JsonNode> chain = awaitStoredHops(trace, 3);
      assertThat(ReceiptVerifier.withKeys(jwks).verifyChain(chain).valid())
          .as("chain %s verifies", trace)
          .isTrue();
    }
    assertThat(count("SELECT count(*) FROM receipt_conflicts")).isZero();
    long stored = count("SELECT count(*) FROM receipts WHERE tenant = 'demo'");
    await().atMost(Duration.ofSeconds(60)).until(() -> billedVex("demo") == stored);
  }

  @Test
  void shouldRefuseAnOversizedAsyncRecordAndServeTheNextOneOnItsPartition() throws Exception {
    String trace = "big-" + UUID.randomUUID();
    String correlation = UUID.randomUUID().toString();
    String huge =
        "{\"trace_id\":\""
            + trace
            + "\",\"payload_type\":\"invoice.iso20022.v1\",\"target_type\":\"invoice.iso20022.v1\","
            + "\"payload\":{\"pad\":\""
            + "x".repeat(600 * 1024)
            + "\"}}";
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(
          withHeaders(
              new ProducerRecord<>(
                  Topics.EXCHANGE_REQUESTS.name(),
                  TracePartitioner.partition(trace, PARTITIONS),
                  trace,
                  huge.getBytes(StandardCharsets.UTF_8)),
              "huge-" + trace,
              correlation + "-1"));
      producer.send(
          withHeaders(
              new ProducerRecord<>(
                  Topics.EXCHANGE_REQUESTS.name(),
                  TracePartitioner.partition(trace, PARTITIONS),
                  trace,
                  PipelineIT.invoice(trace, "5").getBytes(StandardCharsets.UTF_8)),
              "normal-" + trace,
              correlation + "-2"));
    }
    Map<String, ExchangeResult> results =
        awaitResults(List.of(correlation + "-1", correlation + "-2"));
    assertThat(results.get(correlation + "-1").code()).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(results.get(correlation + "-2").status()).isEqualTo(200);
  }

  @Test
  void shouldRefuseInvalidTraceIdsWithTheSameCodeOverHttpAndKafka() throws Exception {
    String correlation = UUID.randomUUID().toString();
    String withNul = PipelineIT.invoice("nul\\u0000trace", "1");
    String overlong = PipelineIT.invoice("o".repeat(300), "1");

    assertThat(PipelineIT.post("/v1/exchange", withNul, "nul-" + correlation).statusCode())
        .isEqualTo(400);
    HttpResponse<String> tooLong = PipelineIT.post("/v1/exchange", overlong, "long-" + correlation);
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(Json.parse(tooLong.body()).get("code").asText()).isEqualTo("TRACE_ID_INVALID");
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(
          withHeaders(
              new ProducerRecord<>(
                  Topics.EXCHANGE_REQUESTS.name(), null, withNul.getBytes(StandardCharsets.UTF_8)),
              "nul-" + correlation,
              correlation + "-nul"));
      producer.send(
          withHeaders(
              new ProducerRecord<>(
                  Topics.EXCHANGE_REQUESTS.name(), null, overlong.getBytes(StandardCharsets.UTF_8)),
              "long-" + correlation,
              correlation + "-long"));
    }
    Map<String, ExchangeResult> results =
        awaitResults(List.of(correlation + "-nul", correlation + "-long"));
    assertThat(results.values())
        .extracting(ExchangeResult::status, ExchangeResult::code)
        .containsOnly(org.assertj.core.groups.Tuple.tuple(400, "TRACE_ID_INVALID"));
  }

  @Test
  void shouldNeitherStoreNorBillReceiptsForgedStraightOntoTheReceiptsTopic() throws Exception {
    String trace = "forged-" + UUID.randomUUID();
    HttpResponse<String> genuine =
        PipelineIT.post("/v1/exchange", PipelineIT.invoice(trace, "1"), "genuine-" + trace);
    assertThat(genuine.statusCode()).isEqualTo(200);
    awaitStoredHops(trace, 1);
    JsonNode first = Json.parse(genuine.body()).get("receipt");
    // Hop 2 as the processor would write it, but unsigned; and hop 2 signed by a key that is not
    // Signet's, under Signet's kid. Neither carries the processor's origin MAC.
    Receipt template =
        new Receipt(
            trace,
            2,
            first.get("ts").asText(),
            "demo",
            first.get("cid").asText(),
            first.get("canon").asText(),
            Receipt.ALGO,
            first.get("receipt_hash").asText(),
            Policy.allowed("ok"),
            "invoice.iso20022.v1",
            "invoice.iso20022.v1",
            null,
            null,
            null,
            null,
            null);
    Receipt unsigned = template;
    Receipt wronglySigned =
        new ReceiptIssuer(new SigningKey(local.signingKey().kid(), new byte[32])).seal(template);
    long quarantinedBefore = count("SELECT count(*) FROM receipt_quarantine");
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(new ProducerRecord<>(Topics.RECEIPTS.name(), trace, Json.toBytes(unsigned)));
      producer.send(
          new ProducerRecord<>(Topics.RECEIPTS.name(), trace, Json.toBytes(wronglySigned)));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> count("SELECT count(*) FROM receipt_quarantine") == quarantinedBefore + 2);
    assertThat(awaitStoredHops(trace, 1)).hasSize(1);
    assertThat(count("SELECT count(*) FROM receipt_conflicts")).isZero();
    long stored = count("SELECT count(*) FROM receipts WHERE tenant = 'demo'");
    await().atMost(Duration.ofSeconds(60)).until(() -> billedVex("demo") == stored);
    // A fresh hop still links to the genuine hop 1.
    HttpResponse<String> next =
        PipelineIT.post("/v1/exchange", PipelineIT.invoice(trace, "2"), "next-" + trace);
    assertThat(Json.parse(next.body()).at("/receipt/prev_receipt_hash").asText())
        .isEqualTo(first.get("receipt_hash").asText());
  }

  static ProducerRecord<String, byte[]> asyncRequest(
      Partitioner kind, String trace, String body, String idempotencyKey) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int home = TracePartitioner.partition(trace, PARTITIONS);
    String topic = Topics.EXCHANGE_REQUESTS.name();
    ProducerRecord<String, byte[]> record =
        switch (kind) {
          case JAVA_MURMUR2 -> new ProducerRecord<>(topic, trace, bytes);
          case LIBRDKAFKA_CRC32 -> new ProducerRecord<>(topic, crc32(trace), trace, bytes);
          case WRONG_EXPLICIT_PARTITION ->
              new ProducerRecord<>(topic, (home + 1) % PARTITIONS, trace, bytes);
          case NULL_KEY -> new ProducerRecord<>(topic, (home + 3) % PARTITIONS, null, bytes);
        };
    return withHeaders(record, idempotencyKey, null);
  }

  private static ProducerRecord<String, byte[]> withHeaders(
      ProducerRecord<String, byte[]> record, String idempotencyKey, String correlation) {
    SignetHeaders.put(record.headers(), SignetHeaders.API_KEY, "demo_key");
    SignetHeaders.put(record.headers(), SignetHeaders.IDEMPOTENCY_KEY, idempotencyKey);
    SignetHeaders.put(record.headers(), SignetHeaders.CORRELATION_ID, correlation);
    return record;
  }

  /** librdkafka's default for a keyed record: CRC32 of the key bytes. */
  private static int crc32(String key) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % PARTITIONS);
  }

  static KafkaProducer<String, byte[]> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, local.kafkaBootstrap());
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  static List<JsonNode> awaitStoredHops(String trace, int hops) {
    List<JsonNode> chain = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              HttpResponse<String> response = PipelineIT.get("/v1/receipts/chain/" + trace);
              if (response.statusCode() != 200) {
                return false;
              }
              chain.clear();
              Json.parse(response.body()).get("chain").forEach(chain::add);
              return chain.size() >= hops;
            });
    assertThat(chain)
        .extracting(r -> r.get("hop").asInt())
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, hops).boxed().toList());
    return chain;
  }

  /** Results of records sent with a correlation id: replies, on the topic ingress reads. */
  static Map<String, ExchangeResult> awaitResults(List<String> correlationIds) {
    Map<String, ExchangeResult> found = new HashMap<>();
    try (KafkaConsumer<String, ExchangeResult> consumer = consumer(Topics.EXCHANGE_REPLIES)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(
                        record -> {
                          String correlation =
                              SignetHeaders.text(record.headers(), SignetHeaders.CORRELATION_ID);
                          if (correlationIds.contains(correlation)) {
                            found.put(correlation, record.value());
                          }
                        });
                return found.size() == correlationIds.size();
              });
    }
    return found;
  }

  static long billedVex(String tenant) {
    Map<String, HourlyUsage> latest = new HashMap<>();
    try (KafkaConsumer<String, HourlyUsage> consumer = consumer(Topics.BILLING_USAGE_HOURLY)) {
      long deadline = System.currentTimeMillis() + 3000;
      while (System.currentTimeMillis() < deadline) {
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(record -> latest.put(record.key(), record.value()));
      }
    }
    return latest.values().stream()
        .filter(usage -> usage.tenant().equals(tenant))
        .mapToLong(HourlyUsage::vex)
        .sum();
  }

  static <V> KafkaConsumer<String, V> consumer(Topic<String, V> topic) {
    return LocalModeITs.consumer(local.kafkaBootstrap(), topic);
  }

  static long count(String sql) throws Exception {
    return PipelineIT.count(sql);
  }
}
