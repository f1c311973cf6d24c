package dev.signet.billing;

import static dev.signet.billing.TestReceipts.receipt;
import static dev.signet.billing.TestUsage.finalUsage;
import static dev.signet.billing.TestUsage.usage;
import static dev.signet.core.topic.Topics.BILLING_OVERAGE;
import static dev.signet.core.topic.Topics.BILLING_PERIOD_TOTALS;
import static dev.signet.core.topic.Topics.BILLING_RESERVED_CONFIG;
import static dev.signet.core.topic.Topics.BILLING_USAGE_ADJUSTMENTS;
import static dev.signet.core.topic.Topics.BILLING_USAGE_HOURLY;
import static dev.signet.core.topic.Topics.EXCHANGE_FU_CHARGES;
import static dev.signet.core.topic.Topics.RECEIPTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.OverageCharge;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.ReservedConfigChange;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.message.UsageAdjustment;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.topic.MacStampingSerializer;
import dev.signet.core.topic.Topic;
import dev.signet.shell.StreamsService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.core.ThrowingRunnable;
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
    broker.brokerProperties(
        Map.of(
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "group.initial.rebalance.delay.ms", "0"));
    broker.afterPropertiesSet();
    broker.addTopics(
        new NewTopic(RECEIPTS.name(), PARTITIONS, (short) 1),
        new NewTopic(EXCHANGE_FU_CHARGES.name(), PARTITIONS, (short) 1),
        new NewTopic(BILLING_USAGE_HOURLY.name(), PARTITIONS, (short) 1)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
        new NewTopic(BILLING_PERIOD_TOTALS.name(), PARTITIONS, (short) 1)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
        new NewTopic(BILLING_USAGE_ADJUSTMENTS.name(), PARTITIONS, (short) 1),
        new NewTopic(BILLING_RESERVED_CONFIG.name(), PARTITIONS, (short) 1)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
        new NewTopic(BILLING_OVERAGE.name(), PARTITIONS, (short) 1));
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
    // Tenants of this test only: every test's billing reads the whole shared receipt topic.
    String a = "a-" + UUID.randomUUID();
    String b = "b-" + UUID.randomUUID();

    try (StreamsService service = BillingService.start(config());
        KafkaProducer<String, byte[]> producer = producer();
        KafkaConsumer<String, HourlyUsage> consumer = readCommittedConsumer()) {
      send(
          producer,
          receipt(a, earlier.plusSeconds(60), null),
          receipt(a, earlier.plusSeconds(120), 7L),
          receipt(b, earlier.plusSeconds(180), 5L),
          receipt(a, later.plusSeconds(60), 3L),
          receipt(b, later.plusSeconds(120), null),
          receipt(b, later.plusSeconds(180), 2L));

      consumer.subscribe(List.of(BILLING_USAGE_HOURLY.name()));
      Map<String, HourlyUsage> latest = new HashMap<>();
      eventually(
          Duration.ofSeconds(45),
          () -> {
            pollInto(consumer, latest, a, b);
            assertThat(latest)
                .containsOnly(
                    Map.entry(HourlyUsages.key(a, earlier), usage(a, earlier, 2, 7)),
                    Map.entry(HourlyUsages.key(b, earlier), usage(b, earlier, 1, 5)),
                    Map.entry(HourlyUsages.key(a, later), usage(a, later, 1, 3)),
                    Map.entry(HourlyUsages.key(b, later), usage(b, later, 2, 2)));
          });
      assertStillRunning(service);
    }
  }

  @Test
  void shouldBillOnlyTheGenuineReceiptWhenForgedOnesShareItsPartition() throws Exception {
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
    String victim = "victim-" + UUID.randomUUID();
    String key = "trace-" + UUID.randomUUID();
    MeterRegistry registry = new SimpleMeterRegistry();
    Receipt unauthenticated = receipt(victim, hour.plusSeconds(60), 1_000L);
    Receipt wrongSecret = receipt(victim, hour.plusSeconds(90), 2_000L);
    Receipt genuine = receipt(victim, hour.plusSeconds(120), 4L);

    try (StreamsService service = BillingService.start(config(), registry);
        KafkaProducer<String, byte[]> producer = producer();
        KafkaConsumer<String, HourlyUsage> consumer = readCommittedConsumer()) {
      // One key, so one partition, in this order: once the genuine receipt is billed, the forged
      // ones before it have been seen.
      producer.send(
          new ProducerRecord<>(RECEIPTS.name(), key, TestReceipts.bytes(unauthenticated)));
      byte[] value = TestReceipts.bytes(wrongSecret);
      ProducerRecord<String, byte[]> forged = new ProducerRecord<>(RECEIPTS.name(), key, value);
      SignetHeaders.put(
          forged.headers(),
          SignetHeaders.RECEIPT_MAC,
          new ReceiptMac(ServerSecret.derivedFrom(SigningKey.generate("mallory"))).sign(value));
      producer.send(forged);
      producer.send(genuine(key, genuine));
      producer.flush();

      consumer.subscribe(List.of(BILLING_USAGE_HOURLY.name()));
      Map<String, HourlyUsage> latest = new HashMap<>();
      eventually(
          Duration.ofSeconds(45),
          () -> {
            pollInto(consumer, latest, victim);
            assertThat(latest)
                .containsOnly(Map.entry(HourlyUsages.key(victim, hour), usage(victim, hour, 1, 4)));
          });
      assertThat(rejected(registry, ReceiptOrigin.MAC_MISSING)).isGreaterThanOrEqualTo(1);
      assertThat(rejected(registry, ReceiptOrigin.MAC_INVALID)).isGreaterThanOrEqualTo(1);
      assertStillRunning(service);
    }
  }

  @Test
  void shouldPublishTheMonthsTotalsOfEveryReceiptPerTenantAndType() throws Exception {
    // One past hour lies in one UTC month, whenever the test runs.
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
    String period = SumUsagePerPeriod.period(hour.toEpochMilli());
    String a = "a-" + UUID.randomUUID();
    String b = "b-" + UUID.randomUUID();
    Receipt[] receipts = {
      receipt(a, hour.plusSeconds(60), 4L),
      receipt(a, hour.plusSeconds(120), null),
      receipt(b, hour.plusSeconds(180), 6L),
      receipt(a, hour.plusSeconds(240), 5L),
      receipt(b, hour.plusSeconds(300), null)
    };

    try (StreamsService service = BillingService.start(config());
        KafkaProducer<String, byte[]> producer = producer();
        KafkaConsumer<String, PeriodTotal> consumer =
            readCommittedConsumer(BILLING_PERIOD_TOTALS)) {
      send(producer, receipts);

      consumer.subscribe(List.of(BILLING_PERIOD_TOTALS.name()));
      Map<String, Long> latest = new HashMap<>();
      eventually(
          Duration.ofSeconds(45),
          () -> {
            pollOurs(
                consumer,
                PeriodTotal::tenant,
                List.of(a, b),
                record -> {
                  assertThat(record.key()).isEqualTo(record.value().key());
                  latest.put(record.key(), record.value().units());
                });
            assertThat(latest)
                .containsOnly(
                    Map.entry(PeriodTotal.key(a, period, PeriodTotal.VEX), 3L),
                    Map.entry(PeriodTotal.key(a, period, PeriodTotal.FU), 9L),
                    Map.entry(PeriodTotal.key(b, period, PeriodTotal.VEX), 2L),
                    Map.entry(PeriodTotal.key(b, period, PeriodTotal.FU), 6L));
          });
      assertStillRunning(service);
    }
  }

  @Test
  void shouldCloseHoursOnceAndPublishLateUsageAsAdjustmentsAcrossARestart(@TempDir Path otherDir)
      throws Exception {
    // Later hours than the other tests' receipts (at most 2 h ago plus minutes), which this
    // billing reads too from the shared topic: they must not move its stream time past ours.
    Instant earlier = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
    Instant later = earlier.plus(Duration.ofHours(1));
    String tenant = "closing-" + UUID.randomUUID();
    // One key, so one receipt partition: billing reads these receipts in the order sent.
    String key = "trace-" + UUID.randomUUID();
    // A short grace: the earlier hour closes by stream time (the later receipt is past its end
    // plus grace), the later one by wall clock once billing has seen nothing for the grace.
    Duration grace = Duration.ofSeconds(5);
    BillingConfig config = config("billing-it-closing-" + UUID.randomUUID(), grace);
    MeterRegistry registry = new SimpleMeterRegistry();
    Map<String, HourlyUsage> latest = new HashMap<>();
    List<HourlyUsage> finals = new ArrayList<>();
    List<UsageAdjustment> adjustments = new ArrayList<>();

    try (KafkaProducer<String, byte[]> producer = producer();
        KafkaConsumer<String, HourlyUsage> hourly = readCommittedConsumer();
        KafkaConsumer<String, UsageAdjustment> late =
            readCommittedConsumer(BILLING_USAGE_ADJUSTMENTS)) {
      hourly.subscribe(List.of(BILLING_USAGE_HOURLY.name()));
      late.subscribe(List.of(BILLING_USAGE_ADJUSTMENTS.name()));
      Receipt lateForEarlier = receipt(tenant, earlier.plusSeconds(120), 5L);
      // Sent before billing starts, so that its tasks see them at once: a task that sees no
      // record for the grace closes every hour up to its wall clock, which would make them late.
      producer.send(genuine(key, receipt(tenant, earlier.plusSeconds(60), 2L)));
      producer.send(genuine(key, receipt(tenant, later.plusSeconds(60), 3L)));
      producer.flush();
      try (StreamsService service = startWithShortSession(config, registry)) {

        eventually(
            Duration.ofSeconds(45),
            () -> {
              pollFinals(hourly, latest, finals, tenant);
              assertThat(latest)
                  .containsOnly(
                      Map.entry(
                          HourlyUsages.key(tenant, earlier), finalUsage(tenant, earlier, 1, 2)),
                      Map.entry(HourlyUsages.key(tenant, later), finalUsage(tenant, later, 1, 3)));
            });

        producer.send(genuine(key, lateForEarlier));
        producer.flush();
        eventually(
            Duration.ofSeconds(45),
            () -> {
              pollAdjustments(late, adjustments, tenant);
              assertThat(adjustments).hasSize(1);
            });
        assertThat(adjustments.get(0))
            .isEqualTo(
                new UsageAdjustment(
                    HourlyUsages.adjustmentId(
                        tenant, earlier, lateForEarlier.traceId(), lateForEarlier.hop()),
                    tenant,
                    earlier.toString(),
                    later.toString(),
                    1,
                    5,
                    UsageAdjustment.LATE,
                    adjustments.get(0).recordedAt()));
        // At least: other tests' receipts of hours this billing has closed are late here too.
        assertThat(registry.counter(SumUsagePerHour.LATE_USAGE_METRIC).count())
            .isGreaterThanOrEqualTo(1);
        assertStillRunning(service);
      }

      // Restart with empty local state: the watermark comes back from its changelog.
      BillingConfig restarted =
          new BillingConfig(
              config.bootstrapServers(),
              config.applicationId(),
              otherDir,
              config.commitInterval(),
              config.grace(),
              1,
              config.serverSecret());
      producer.send(genuine(key, receipt(tenant, later.plusSeconds(300), 7L)));
      producer.flush();
      try (StreamsService service = startWithShortSession(restarted, new SimpleMeterRegistry())) {
        eventually(
            Duration.ofSeconds(60),
            () -> {
              pollAdjustments(late, adjustments, tenant);
              assertThat(adjustments)
                  .extracting(UsageAdjustment::windowStart, UsageAdjustment::fuTokens)
                  .containsExactly(tuple(earlier.toString(), 5L), tuple(later.toString(), 7L));
            });
        // Wall-clock closing has had time to run again: still one final per hour.
        await()
            .pollDelay(grace.plusSeconds(1))
            .atMost(grace.plusSeconds(10))
            .untilAsserted(
                () -> {
                  pollFinals(hourly, latest, finals, tenant);
                  assertThat(finals)
                      .extracting(HourlyUsage::windowStart)
                      .containsExactlyInAnyOrder(earlier.toString(), later.toString());
                });
        assertStillRunning(service);
      }
    }
  }

  /**
   * Billing as {@link BillingService} wires it, with a short consumer session: the restarted
   * instance then waits 6 s, not the default 45 s, for the stopped one to leave its group.
   */
  private static StreamsService startWithShortSession(
      BillingConfig config, MeterRegistry registry) {
    Properties props = config.streamsProperties();
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
    return BillingService.create(config, props, registry).start();
  }

  @Test
  void shouldChargeOverageOfAReservedTenantAndNothingTwiceAcrossARestart() throws Exception {
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
    String tenant = "reserved-" + UUID.randomUUID();
    BillingConfig config = config().withChargeInterval(Duration.ofSeconds(1));
    MeterRegistry registry = new SimpleMeterRegistry();
    Map<String, OverageCharge> charges = new HashMap<>();

    try (KafkaProducer<String, byte[]> producer = producer();
        KafkaProducer<String, ReservedConfigChange> configProducer = configProducer();
        KafkaConsumer<String, OverageCharge> consumer = readCommittedConsumer(BILLING_OVERAGE)) {
      consumer.subscribe(List.of(BILLING_OVERAGE.name()));
      try (StreamsService service = BillingService.start(config, registry)) {
        configProducer.send(
            new ProducerRecord<>(
                BILLING_RESERVED_CONFIG.name(),
                tenant,
                new ReservedConfigChange(
                    tenant,
                    ReservedConfigChange.SET,
                    Json.parse(
                        "{\"vex_reserved\": 10, \"fu_reserved\": 0, \"vex_overage_tiers\":"
                            + " [{\"threshold\": 0, \"price_per_unit\": \"0.25\"}]}"),
                    "v1",
                    null,
                    Instant.now().toString(),
                    "startup",
                    "sha")));
        configProducer.flush();
        // The receipts are signed earlier than the config record was produced, so Streams would
        // pick them first: wait until the reservation is in force.
        await()
            .atMost(Duration.ofSeconds(45))
            .until(
                () ->
                    registry
                            .find(BillingMeters.RESERVED_CAPACITY)
                            .tags("tenant", tenant, "type", "vex")
                            .gauge()
                        != null);
        Receipt[] twelve = new Receipt[12];
        for (int i = 0; i < twelve.length; i++) {
          twelve[i] = receipt(tenant, hour.plusSeconds(i), null);
        }
        send(producer, twelve);
        awaitCharges(consumer, tenant, charges, 2);
        assertStillRunning(service);
      }

      // Restarted on the same state: what was charged is not charged again; new usage is.
      try (StreamsService service = BillingService.start(config, registry)) {
        send(producer, receipt(tenant, hour.plusSeconds(60), null));
        awaitCharges(consumer, tenant, charges, 3);
        assertStillRunning(service);
      }
    }

    assertThat(charges.values())
        .extracting(OverageCharge::usedBefore, OverageCharge::usedAfter, OverageCharge::amount)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(0L, 12L, "0.50"),
            org.assertj.core.groups.Tuple.tuple(12L, 13L, "0.25"));
  }

  /** Polls until the charges of {@code tenant} bill {@code units} units, failing on a repeat. */
  private static void awaitCharges(
      KafkaConsumer<String, OverageCharge> consumer,
      String tenant,
      Map<String, OverageCharge> charges,
      long units) {
    eventually(
        Duration.ofSeconds(60),
        () -> {
          pollOurs(
              consumer,
              OverageCharge::tenant,
              List.of(tenant),
              record -> {
                assertThat(record.key()).isEqualTo(tenant);
                assertThat(charges.put(record.value().chargeId(), record.value()))
                    .as("charge %s seen twice", record.value().chargeId())
                    .isNull();
              });
          assertThat(charges.values().stream().mapToLong(OverageCharge::units).sum())
              .isEqualTo(units);
        });
  }

  private static KafkaProducer<String, ReservedConfigChange> configProducer() {
    return new KafkaProducer<>(
        producerConfig(),
        BILLING_RESERVED_CONFIG.keySerde().serializer(),
        new MacStampingSerializer<>(
            BILLING_RESERVED_CONFIG.valueSerde().serializer(),
            BillingMacs.of(TestReceipts.SECRET).reservedConfig()));
  }

  private BillingConfig config() {
    return config("billing-it-" + UUID.randomUUID(), Duration.ofHours(6));
  }

  private BillingConfig config(String applicationId, Duration grace) {
    return new BillingConfig(
        broker.getBrokersAsString(),
        applicationId,
        stateDir,
        Duration.ofMillis(100),
        grace,
        1,
        TestReceipts.SECRET);
  }

  /** Polls the hourly topic: the latest record per key, and every final record, of the tenant. */
  private static void pollFinals(
      KafkaConsumer<String, HourlyUsage> consumer,
      Map<String, HourlyUsage> latest,
      List<HourlyUsage> finals,
      String tenant) {
    pollOurs(
        consumer,
        HourlyUsage::tenant,
        List.of(tenant),
        record -> {
          latest.put(record.key(), record.value());
          if (record.value().isFinal()) {
            finals.add(record.value());
          }
        });
  }

  private static void pollAdjustments(
      KafkaConsumer<String, UsageAdjustment> consumer,
      List<UsageAdjustment> adjustments,
      String tenant) {
    pollOurs(
        consumer,
        UsageAdjustment::tenant,
        List.of(tenant),
        record -> {
          assertThat(record.key()).isEqualTo(HourlyUsage.key(tenant, record.value().windowStart()));
          adjustments.add(record.value());
        });
  }

  /** As the processor writes a receipt: its bytes, with their MAC. */
  private static ProducerRecord<String, byte[]> genuine(String key, Receipt receipt) {
    byte[] value = TestReceipts.bytes(receipt);
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(RECEIPTS.name(), key, value);
    SignetHeaders.put(record.headers(), SignetHeaders.RECEIPT_MAC, TestReceipts.MAC.sign(value));
    return record;
  }

  private static void pollInto(
      KafkaConsumer<String, HourlyUsage> consumer,
      Map<String, HourlyUsage> latest,
      String... tenants) {
    pollOurs(
        consumer,
        HourlyUsage::tenant,
        List.of(tenants),
        record -> latest.put(record.key(), record.value()));
  }

  /**
   * Polls {@code consumer} once, handing {@code each} the records of {@code tenants} only: every
   * test's billing reads the whole shared receipt topic, so its outputs hold other tests' tenants.
   */
  private static <V> void pollOurs(
      KafkaConsumer<String, V> consumer,
      Function<V, String> tenantOf,
      List<String> tenants,
      Consumer<ConsumerRecord<String, V>> each) {
    for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
      if (tenants.contains(tenantOf.apply(record.value()))) {
        each.accept(record);
      }
    }
  }

  private static double rejected(MeterRegistry registry, String reason) {
    return BillingDriver.counted(registry, AuthenticateReceipts.REJECTED, "reason", reason);
  }

  /** Sends {@code receipts} as the processor writes them, each keyed by its trace, and flushes. */
  private static void send(KafkaProducer<String, byte[]> producer, Receipt... receipts) {
    for (Receipt receipt : receipts) {
      producer.send(genuine(receipt.traceId(), receipt));
    }
    producer.flush();
  }

  /** Retries {@code assertion} every 200 ms until it holds, for at most {@code atMost}. */
  private static void eventually(Duration atMost, ThrowingRunnable assertion) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(200)).untilAsserted(assertion);
  }

  /** A probing rebalance may still be under way; what matters is that billing did not fail. */
  private static void assertStillRunning(StreamsService service) {
    assertThat(service.state().isRunningOrRebalancing())
        .as("billing state %s", service.state())
        .isTrue();
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        producerConfig(), RECEIPTS.keySerde().serializer(), new ByteArraySerializer());
  }

  private static Map<String, Object> producerConfig() {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        broker.getBrokersAsString(),
        ProducerConfig.ACKS_CONFIG,
        "all");
  }

  private static KafkaConsumer<String, HourlyUsage> readCommittedConsumer() {
    return readCommittedConsumer(BILLING_USAGE_HOURLY);
  }

  private static <V> KafkaConsumer<String, V> readCommittedConsumer(Topic<String, V> topic) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.getBrokersAsString(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "billing-it-reader-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed"),
        topic.keySerde().deserializer(),
        topic.valueSerde().deserializer());
  }
}
