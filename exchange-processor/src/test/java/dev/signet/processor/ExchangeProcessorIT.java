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
import dev.signet.shell.StreamsService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * The exchange topology on a real KRaft broker under exactly_once_v2, as async producers use it.
 */
class ExchangeProcessorIT {

  private static EmbeddedKafkaKraftBroker broker;
  private static final SigningKey KEY = SigningKey.generate("it-kid");

  @BeforeAll
  static void startBroker() {
    broker =
        new EmbeddedKafkaKraftBroker(
            1, 2, Topics.all().stream().map(Topic::name).toArray(String[]::new));
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

  private static StreamsService startProcessor(Path stateDir) {
    ProcessorConfig config =
        ProcessorITs.processorConfig(broker.getBrokersAsString(), "it-processor", stateDir, 1, KEY);
    return ExchangeProcessorService.streams(config, new SimpleMeterRegistry()).start();
  }

  private static void produce(String traceId, int amount, String idempotencyKey) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(
              Topics.EXCHANGE_REQUESTS.name(),
              traceId,
              Json.toBytes(
                  ExchangeTopologyTest.invoiceRequest(
                      traceId,
                      ExchangeTopologyTest.invoiceArguments(Integer.toString(amount), "EUR"))));
      SignetHeaders.put(record.headers(), SignetHeaders.API_KEY, "demo_key");
      SignetHeaders.put(record.headers(), SignetHeaders.IDEMPOTENCY_KEY, idempotencyKey);
      producer.send(record);
    }
  }

  private static <V> List<V> readAll(Topic<String, V> topic, int expected) {
    return ProcessorITs.readAll(broker.getBrokersAsString(), topic, expected);
  }

  @Test
  void shouldChainAcrossProcessorRestartWithoutForkOrDuplicate() throws Exception {
    Path stateDir = Files.createTempDirectory("signet-processor-it");
    try (StreamsService processor = startProcessor(stateDir)) {
      await().atMost(Duration.ofSeconds(60)).until(processor::isRunning);
      produce("trace-restart", 10, "k1");
      assertThat(readAll(Topics.RECEIPTS, 1)).extracting(Receipt::hop).containsExactly(1);
    }
    // A new instance with an empty state dir must restore the chain head and idempotency store from
    // Kafka.
    Path freshStateDir = Files.createTempDirectory("signet-processor-it-fresh");
    try (StreamsService processor = startProcessor(freshStateDir)) {
      await().atMost(Duration.ofSeconds(60)).until(processor::isRunning);
      produce("trace-restart", 10, "k1");
      produce("trace-restart", 20, "k2");
      List<ExchangeResult> results = readAll(Topics.EXCHANGE_RESULTS, 3);
      assertThat(results).extracting(ExchangeResult::status).containsExactly(200, 200, 200);
      assertThat(results)
          .extracting(ExchangeResult::idempotencyHit)
          .containsExactly(false, true, false);

      List<Receipt> receipts = readAll(Topics.RECEIPTS, 2);
      assertThat(receipts).extracting(Receipt::hop).containsExactly(1, 2);
      assertThat(receipts.get(1).prevReceiptHash()).isEqualTo(receipts.get(0).receiptHash());
      assertThat(
              ReceiptVerifier.withKeys(Jwks.of(KEY.publicKey(), List.of()))
                  .verifyChain(
                      receipts.stream()
                          .map(Json::tree)
                          .map(com.fasterxml.jackson.databind.JsonNode.class::cast)
                          .toList())
                  .valid())
          .isTrue();
    }
  }
}
