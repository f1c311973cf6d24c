package dev.signet.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.TopicConfigs;
import dev.signet.core.topic.Topics;
import dev.signet.core.trace.TracePartitioner;
import dev.signet.shell.StreamsService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Producers that do not partition like Kafka's Java client (librdkafka's CRC32 default, an explicit
 * partition, a null key) must never fork a chain: every hop of a trace is processed on its trace's
 * partition, through a real broker with four partitions under exactly_once_v2.
 */
class TraceRoutingIT {

  private static final int PARTITIONS = 4;
  private static final SigningKey KEY = SigningKey.generate("routing-kid");
  private static EmbeddedKafkaKraftBroker broker;

  @BeforeAll
  static void startBroker() {
    broker =
        new EmbeddedKafkaKraftBroker(
            1, PARTITIONS, Topics.all().stream().map(Topic::name).toArray(String[]::new));
    broker.brokerProperties(
        Map.of(
            "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
    broker.afterPropertiesSet();
    TopicConfigs.apply(broker.getBrokersAsString());
  }

  @AfterAll
  static void stopBroker() {
    broker.destroy();
  }

  private enum Producer {
    JAVA_MURMUR2,
    LIBRDKAFKA_CRC32,
    WRONG_EXPLICIT_PARTITION,
    NULL_KEY
  }

  @Test
  void shouldKeepOneChainPerTraceWhateverPartitionerTheProducersUse() throws Exception {
    ProcessorConfig config =
        ProcessorITs.processorConfig(
            broker.getBrokersAsString(),
            "routing-it",
            Files.createTempDirectory("routing-it"),
            2,
            KEY);
    int traces = 8;
    int hopsPerTrace = 8;
    try (StreamsService processor =
            ExchangeProcessorService.streams(config, new SimpleMeterRegistry()).start();
        KafkaProducer<String, byte[]> producer = producer()) {
      await().atMost(Duration.ofSeconds(60)).until(processor::isRunning);
      Producer[] kinds = Producer.values();
      for (int hop = 0; hop < hopsPerTrace; hop++) {
        for (int t = 0; t < traces; t++) {
          String trace = "mixed-" + t;
          producer.send(request(kinds[(hop + t) % kinds.length], trace, "k-" + t + "-" + hop));
        }
        // Hops of one trace in order, as one client would send them after each answer.
        producer.flush();
        readAll(Topics.EXCHANGE_RESULTS, (hop + 1) * traces);
      }
      List<ExchangeResult> results = readAll(Topics.EXCHANGE_RESULTS, traces * hopsPerTrace);
      assertThat(results).extracting(ExchangeResult::status).containsOnly(200);

      List<Receipt> receipts = readAll(Topics.RECEIPTS, traces * hopsPerTrace);
      assertThat(receipts).hasSize(traces * hopsPerTrace);
      Map<String, List<Receipt>> chains =
          receipts.stream()
              .collect(Collectors.groupingBy(Receipt::traceId, TreeMap::new, Collectors.toList()));
      assertThat(chains).hasSize(traces);
      ReceiptVerifier verifier = ReceiptVerifier.withKeys(Jwks.of(KEY.publicKey(), List.of()));
      chains.forEach(
          (trace, chain) -> {
            assertThat(chain).extracting(Receipt::hop).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(
                    verifier
                        .verifyChain(
                            chain.stream()
                                .map(Json::tree)
                                .map(com.fasterxml.jackson.databind.JsonNode.class::cast)
                                .toList())
                        .valid())
                .as("chain %s verifies", trace)
                .isTrue();
          });
    }
  }

  private static ProducerRecord<String, byte[]> request(
      Producer kind, String trace, String idempotencyKey) {
    byte[] body =
        Json.toBytes(
            ExchangeTopologyTest.invoiceRequest(
                trace, ExchangeTopologyTest.invoiceArguments("1", "EUR")));
    int home = TracePartitioner.partition(trace, PARTITIONS);
    ProducerRecord<String, byte[]> record =
        switch (kind) {
          case JAVA_MURMUR2 -> new ProducerRecord<>(Topics.EXCHANGE_REQUESTS.name(), trace, body);
          case LIBRDKAFKA_CRC32 ->
              new ProducerRecord<>(Topics.EXCHANGE_REQUESTS.name(), crc32(trace), trace, body);
          case WRONG_EXPLICIT_PARTITION ->
              new ProducerRecord<>(
                  Topics.EXCHANGE_REQUESTS.name(), (home + 1) % PARTITIONS, trace, body);
          case NULL_KEY ->
              new ProducerRecord<>(
                  Topics.EXCHANGE_REQUESTS.name(), (home + 2) % PARTITIONS, null, body);
        };
    SignetHeaders.put(record.headers(), SignetHeaders.API_KEY, "demo_key");
    SignetHeaders.put(record.headers(), SignetHeaders.IDEMPOTENCY_KEY, idempotencyKey);
    return record;
  }

  /** librdkafka's default partitioner for a keyed record: CRC32 of the key bytes. */
  private static int crc32(String key) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % PARTITIONS);
  }

  private static KafkaProducer<String, byte[]> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private static <V> List<V> readAll(Topic<String, V> topic, int expected) {
    return ProcessorITs.readAll(broker.getBrokersAsString(), topic, expected);
  }
}
