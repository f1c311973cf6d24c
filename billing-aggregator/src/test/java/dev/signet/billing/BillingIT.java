package dev.signet.billing;

import static dev.signet.billing.TestReceipts.receipt;
import static dev.signet.core.topic.Topics.BILLING_USAGE_HOURLY;
import static dev.signet.core.topic.Topics.RECEIPTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.core.crypto.SigningKey;
import dev.signet.core.message.HourlyUsage;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptIssuer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** The billing topology against a real in-process broker, under exactly_once_v2. */
class BillingIT {

  private static final int PARTITIONS = 2;

  private static EmbeddedKafkaKraftBroker broker;

  @TempDir Path stateDir;

  @BeforeAll
  static void startBroker() {
    broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
    // One broker: the transaction state log that exactly_once_v2 needs must fit on it.
    broker.brokerProperties(Map.of(
        "transaction.state.log.replication.factor", "1",
        "transaction.state.log.min.isr", "1",
        "group.initial.rebalance.delay.ms", "0"));
    broker.afterPropertiesSet();
    broker.addTopics(
        new NewTopic(RECEIPTS.name(), PARTITIONS, (short) 1),
        new NewTopic(BILLING_USAGE_HOURLY.name(), PARTITIONS, (short) 1)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
  }

  @AfterAll
  static void stopBroker() {
    broker.destroy();
  }

  @Test
  void shouldSumVexPerTenantPerHour() throws Exception {
    // Past hours (the broker refuses timestamps more than an hour ahead); a wide grace keeps both
    // open whatever order the two receipt partitions are read in.
    Instant earlier = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
    Instant later = earlier.plus(Duration.ofHours(1));
    BillingConfig config = new BillingConfig(
        broker.getBrokersAsString(), "billing-it-" + UUID.randomUUID(), stateDir,
        Duration.ofMillis(100), Duration.ofHours(6), 1);
    ReceiptIssuer issuer = new ReceiptIssuer(SigningKey.generate("k"));

    try (BillingService service = BillingService.start(config);
        KafkaProducer<String, Receipt> producer = producer();
        KafkaConsumer<String, HourlyUsage> consumer = readCommittedConsumer()) {
      for (Receipt unsealed : List.of(
          receipt("tenant-a", earlier.plusSeconds(60), null),
          receipt("tenant-a", earlier.plusSeconds(120), 7L),
          receipt("tenant-b", earlier.plusSeconds(180), 5L),
          receipt("tenant-a", later.plusSeconds(60), 3L),
          receipt("tenant-b", later.plusSeconds(120), null),
          receipt("tenant-b", later.plusSeconds(180), 2L))) {
        Receipt sealed = issuer.seal(unsealed);
        producer.send(new ProducerRecord<>(RECEIPTS.name(), sealed.traceId(), sealed));
      }
      producer.flush();

      consumer.subscribe(List.of(BILLING_USAGE_HOURLY.name()));
      Map<String, HourlyUsage> latest = new HashMap<>();
      await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> latest.put(record.key(), record.value()));
        assertThat(latest).containsOnly(
            Map.entry(HourlyUsages.key("tenant-a", earlier), usage("tenant-a", earlier, 2, 7)),
            Map.entry(HourlyUsages.key("tenant-b", earlier), usage("tenant-b", earlier, 1, 5)),
            Map.entry(HourlyUsages.key("tenant-a", later), usage("tenant-a", later, 1, 3)),
            Map.entry(HourlyUsages.key("tenant-b", later), usage("tenant-b", later, 2, 2)));
      });
      assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
  }

  private static HourlyUsage usage(String tenant, Instant windowStart, long vex, long fuTokens) {
    return new HourlyUsage(tenant, windowStart.toString(), windowStart.plus(Duration.ofHours(1)).toString(), vex, fuTokens);
  }

  private static KafkaProducer<String, Receipt> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(), ProducerConfig.ACKS_CONFIG, "all"),
        RECEIPTS.keySerde().serializer(),
        RECEIPTS.valueSerde().serializer());
  }

  private static KafkaConsumer<String, HourlyUsage> readCommittedConsumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
            ConsumerConfig.GROUP_ID_CONFIG, "billing-it-reader-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        BILLING_USAGE_HOURLY.keySerde().deserializer(),
        BILLING_USAGE_HOURLY.valueSerde().deserializer());
  }
}
