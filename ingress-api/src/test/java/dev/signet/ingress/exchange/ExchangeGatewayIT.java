package dev.signet.ingress.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.RecordMac;
import dev.signet.core.crypto.RepairMacs;
import dev.signet.core.crypto.ResultMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Replies only from the processor: a caller waiting for its result is answered by a record that
 * carries the processor's result MAC over its exact bytes, never by one written by anyone else on
 * the results topic (no MAC, a MAC of another purpose, a MAC over other bytes).
 */
class ExchangeGatewayIT {

  private static final ServerSecret SECRET =
      ServerSecret.parse("dGVzdC1zZXJ2ZXItc2VjcmV0LW9mLWF0LWxlYXN0LTMyLWJ5dGVz");
  private static final EmbeddedKafkaKraftBroker broker = startBroker();

  private static EmbeddedKafkaKraftBroker startBroker() {
    EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
    kafka.brokerProperties(
        Map.of(
            "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
    kafka.afterPropertiesSet();
    kafka.addTopics(
        new NewTopic(Topics.EXCHANGE_REQUESTS.name(), 1, (short) 1),
        new NewTopic(Topics.EXCHANGE_REPLIES.name(), 1, (short) 1),
        new NewTopic(Topics.EXCHANGE_REPLIES_SETTLED.name(), 1, (short) 1));
    return kafka;
  }

  @AfterAll
  static void stop() {
    broker.destroy();
  }

  @Test
  void shouldDeliverOnlyAResultCarryingTheProcessorsMac() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RecordMac resultMac = ResultMac.of(SECRET);
    try (ExchangeGateway gateway =
            new ExchangeGateway(
                    broker.getBrokersAsString(),
                    KafkaClientProperties.none(),
                    Duration.ofSeconds(30),
                    resultMac,
                    meters)
                .start();
        KafkaProducer<String, byte[]> producer = producer()) {
      CompletableFuture<ExchangeResult> reply =
          gateway.submit("t-1", "{}".getBytes(), "demo_key", "k-1");
      String correlationId = correlationIdOfTheRequest("t-1");

      byte[] forged =
          Json.toBytes(ExchangeResult.Rejected.of("t-1", ErrorCode.INTERNAL, "forged answer"));
      send(producer, EARLY, correlationId, forged, null);
      send(producer, EARLY, correlationId, forged, RepairMacs.of(SECRET).outcome().sign(forged));
      byte[] genuine =
          Json.toBytes(ExchangeResult.Rejected.of("t-1", ErrorCode.SCHEMA_INVALID, "genuine"));
      send(producer, EARLY, correlationId, forged, resultMac.sign(genuine));
      send(producer, SETTLED, correlationId, forged, null);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> meters.get("signet_ingress_replies_refused").counter().count() == 4.0);
      assertThat(reply).as("no forged reply reaches the caller").isNotDone();

      send(producer, EARLY, correlationId, genuine, resultMac.sign(genuine));
      ExchangeResult delivered = reply.get(30, TimeUnit.SECONDS);
      assertThat(delivered.code()).isEqualTo("SCHEMA_INVALID");
    }
  }

  /** The correlation id the gateway gave its request on {@code trace}, read from the start. */
  private static String correlationIdOfTheRequest(String trace) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          List.of(new TopicPartition(Topics.EXCHANGE_REQUESTS.name(), 0));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (trace.equals(record.key())) {
            return SignetHeaders.text(record.headers(), SignetHeaders.CORRELATION_ID);
          }
        }
      }
      throw new AssertionError("the gateway's request never reached the requests topic");
    }
  }

  @Test
  void shouldAnswerFromEarlyRepliesBeforeTheCommitAndFromSettledOnesOnlyAfterIt() throws Exception {
    RecordMac resultMac = ResultMac.of(SECRET);
    try (ExchangeGateway gateway =
            new ExchangeGateway(
                    broker.getBrokersAsString(),
                    KafkaClientProperties.none(),
                    Duration.ofSeconds(30),
                    resultMac,
                    new SimpleMeterRegistry())
                .start();
        KafkaProducer<String, byte[]> processor = transactionalProducer()) {
      CompletableFuture<ExchangeResult> quota =
          gateway.submit("t-2", "{}".getBytes(), "demo_key", "k-2");
      String quotaCorrelation = correlationIdOfTheRequest("t-2");
      CompletableFuture<ExchangeResult> plain =
          gateway.submit("t-3", "{}".getBytes(), "demo_key", "k-3");
      String plainCorrelation = correlationIdOfTheRequest("t-3");
      byte[] refused =
          Json.toBytes(ExchangeResult.Rejected.of("t-2", ErrorCode.FU_QUOTA_EXCEEDED, "quota"));
      byte[] answered =
          Json.toBytes(ExchangeResult.Rejected.of("t-3", ErrorCode.SCHEMA_INVALID, "answered"));

      processor.beginTransaction();
      send(processor, SETTLED, quotaCorrelation, refused, resultMac.sign(refused));
      send(processor, EARLY, plainCorrelation, answered, resultMac.sign(answered));
      assertThat(plain.get(30, TimeUnit.SECONDS).code())
          .as("an early reply is read while its transaction is open")
          .isEqualTo("SCHEMA_INVALID");
      processor.abortTransaction();

      processor.beginTransaction();
      byte[] replayed =
          Json.toBytes(ExchangeResult.Rejected.of("t-2", ErrorCode.FU_QUOTA_EXCEEDED, "again"));
      send(processor, SETTLED, quotaCorrelation, replayed, resultMac.sign(replayed));
      processor.commitTransaction();
      assertThat(quota.get(30, TimeUnit.SECONDS).body().tree().get("detail").asText())
          .as("the settled reply of the aborted transaction never reached the caller")
          .isEqualTo("again");
    }
  }

  private static final String EARLY = Topics.EXCHANGE_REPLIES.name();
  private static final String SETTLED = Topics.EXCHANGE_REPLIES_SETTLED.name();

  private static void send(
      KafkaProducer<String, byte[]> producer,
      String topic,
      String correlationId,
      byte[] value,
      String mac)
      throws Exception {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, "t-1", value);
    SignetHeaders.put(record.headers(), SignetHeaders.CORRELATION_ID, correlationId);
    SignetHeaders.put(record.headers(), SignetHeaders.RECORD_MAC, mac);
    producer.send(record).get();
  }

  private static KafkaProducer<String, byte[]> transactionalProducer() {
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.getBrokersAsString(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "gateway-it-processor"),
            new StringSerializer(),
            new ByteArraySerializer());
    producer.initTransactions();
    return producer;
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
        new StringSerializer(),
        new ByteArraySerializer());
  }
}
