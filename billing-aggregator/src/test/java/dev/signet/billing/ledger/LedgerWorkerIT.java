package dev.signet.billing.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.billing.stripe.MeterCharge;
import dev.signet.billing.stripe.MeterEventPusher;
import dev.signet.billing.stripe.PushLedger;
import dev.signet.billing.stripe.StripeBilling;
import dev.signet.billing.stripe.StripeConfig;
import dev.signet.billing.stripe.StripeStub;
import dev.signet.core.config.PostgresSettings;
import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.crypto.RecordMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.json.Json;
import dev.signet.core.message.OverageCharge;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.ReservedConfigChange;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.message.StripePush;
import dev.signet.core.topic.MacStampingSerializer;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import dev.signet.shell.Health;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The ledger worker through a real broker, a real PostgreSQL and the real stripe-java client on a
 * loopback stub. Tests share the topics: each starts its worker's group at the topics' current end
 * and uses tenants and charge ids of its own.
 */
class LedgerWorkerIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final BillingMacs MACS =
      BillingMacs.of(ServerSecret.parse("bGVkZ2VyLWl0LXNlcnZlci1zZWNyZXQtb2YtMzItYnl0ZXMh"));

  private static EmbeddedKafkaKraftBroker broker;
  private static EmbeddedPostgres postgres;
  private static DataSource dataSource;

  private final List<LedgerWorker> workers = new ArrayList<>();
  private StripeStub stripe;
  private SimpleMeterRegistry registry;
  private String group;
  private String tenant;

  @BeforeAll
  static void start() throws Exception {
    broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.brokerProperties(Map.of("group.initial.rebalance.delay.ms", "0"));
    broker.afterPropertiesSet();
    List<NewTopic> topics = new ArrayList<>();
    for (Topic<?, ?> topic :
        List.of(
            Topics.BILLING_OVERAGE,
            Topics.BILLING_PERIOD_TOTALS,
            Topics.BILLING_RESERVED_CONFIG,
            Topics.BILLING_STRIPE_PUSHES,
            Topics.BILLING_STRIPE_DLQ)) {
      topics.add(new NewTopic(topic.name(), 1, (short) 1));
    }
    broker.addTopics(topics.toArray(NewTopic[]::new));
    postgres = EmbeddedPostgres.start();
    dataSource = postgres.getPostgresDatabase();
  }

  @AfterAll
  static void stop() throws Exception {
    broker.destroy();
    postgres.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    stripe = new StripeStub();
    registry = new SimpleMeterRegistry();
    group = "ledger-it-" + UUID.randomUUID();
    tenant = "t-" + UUID.randomUUID();
    startGroupAtTheEnd(group);
  }

  @AfterEach
  void tearDown() {
    workers.forEach(LedgerWorker::close);
    stripe.close();
  }

  @Test
  void shouldMaterialiseChargesAndPushEachOnceWithTheChargeIdAsIdentifier() throws Exception {
    OverageCharge first = charge(1, 0, 10);
    OverageCharge second = charge(1, 10, 25);
    LedgerWorker worker = started(pushingWorker(new PushLedger(dataSource)));

    send(Topics.BILLING_OVERAGE, tenant, first, second);

    Map<String, StripePush> pushes = awaitPushes(2);
    assertThat(pushes.values()).extracting(StripePush::outcome).containsOnly(StripePush.PUSHED);
    assertThat(stripe.requests())
        .extracting(r -> r.form().get("identifier"))
        .containsExactly(first.chargeId(), second.chargeId());
    assertThat(stripe.requests().get(1).form())
        .containsEntry("event_name", "signet_vex_t2")
        .containsEntry("payload[stripe_customer_id]", "cus_" + tenant)
        .containsEntry("payload[value]", "15");
    assertThat(count("billing_charges WHERE tenant = ?", tenant)).isEqualTo(2);
    assertThat(count("stripe_push_ledger WHERE tenant = ?", tenant)).isEqualTo(2);
    assertThat(amount(second.chargeId())).isEqualTo("0.30");
    assertThat(worker.isRunning()).isTrue();
  }

  @Test
  void shouldNeitherRecordNorPushAChargeBillingDidNotWrite() throws Exception {
    OverageCharge forged = charge(0, 0, 1_000_000);
    OverageCharge genuine = charge(0, 0, 5);
    started(pushingWorker(new PushLedger(dataSource)));

    sendUnstamped(Topics.BILLING_OVERAGE, tenant, forged);
    send(Topics.BILLING_OVERAGE, tenant, genuine);

    assertThat(awaitPushList(1))
        .extracting(StripePush::chargeId)
        .containsExactly(genuine.chargeId());
    assertThat(stripe.requests())
        .extracting(r -> r.form().get("identifier"))
        .containsExactly(genuine.chargeId());
    assertThat(count("billing_charges WHERE tenant = ?", tenant)).isEqualTo(1);
  }

  @Test
  void shouldAnswerAReplayedChargeFromTheLedgerWithoutCallingStripe() throws Exception {
    OverageCharge charge = charge(0, 0, 5);
    started(pushingWorker(new PushLedger(dataSource)));
    send(Topics.BILLING_OVERAGE, tenant, charge);
    awaitPushes(1);

    send(Topics.BILLING_OVERAGE, tenant, charge);

    List<StripePush> all = awaitPushList(2);
    assertThat(all)
        .extracting(StripePush::outcome)
        .containsExactly(StripePush.PUSHED, StripePush.ALREADY_PUSHED);
    assertThat(stripe.requests()).hasSize(1);
    assertThat(count("billing_charges WHERE tenant = ?", tenant)).isEqualTo(1);
  }

  @Test
  void shouldRepushTheSameIdentifierAfterAKillBetweenThePushAndTheLedgerWrite() throws Exception {
    OverageCharge charge = charge(0, 0, 7);
    AtomicInteger ledgerFailures = new AtomicInteger();
    PushLedger dyingOnce =
        new PushLedger(dataSource) {
          @Override
          public boolean record(MeterCharge c, Instant pushedAt, String responseId)
              throws SQLException {
            if (ledgerFailures.getAndIncrement() == 0) {
              throw new SQLException("connection lost after Stripe accepted the event");
            }
            return super.record(c, pushedAt, responseId);
          }
        };
    // A long pause after the failure: the "killed" worker never gets to retry by itself.
    LedgerWorker killed =
        started(
            worker(
                stripeBilling(dyingOnce),
                config(Optional.of(stripeConfig()))
                    .withRetries(Duration.ofMinutes(5), Duration.ofMinutes(5))));
    send(Topics.BILLING_OVERAGE, tenant, charge);
    await().atMost(WAIT).until(() -> ledgerFailures.get() == 1);
    assertThat(stripe.requests()).hasSize(1);
    killed.close();
    assertThat(count("stripe_push_ledger WHERE charge_id = ?", charge.chargeId())).isZero();

    started(pushingWorker(new PushLedger(dataSource)));

    await()
        .atMost(WAIT)
        .until(() -> count("stripe_push_ledger WHERE charge_id = ?", charge.chargeId()) == 1);
    assertThat(stripe.requests())
        .extracting(r -> r.form().get("identifier"))
        .containsExactly(charge.chargeId(), charge.chargeId());
    assertThat(awaitPushes(1).get(charge.chargeId()).outcome()).isEqualTo(StripePush.PUSHED);
    assertThat(count("billing_charges WHERE charge_id = ?", charge.chargeId())).isEqualTo(1);
  }

  @Test
  void shouldDeadLetterAChargeStripeKeepsRefusing() throws Exception {
    stripe.then(
        new StripeStub.Status(500, null),
        new StripeStub.Status(500, null),
        new StripeStub.Status(500, null));
    OverageCharge charge = charge(0, 0, 3);
    LedgerWorker worker = started(pushingWorker(new PushLedger(dataSource)));

    send(Topics.BILLING_OVERAGE, tenant, charge);

    StripePush push = awaitPushes(1).get(charge.chargeId());
    assertThat(push.outcome()).isEqualTo(StripePush.DEAD_LETTERED);
    assertThat(push.attempts()).isEqualTo(3);
    ConsumerRecord<String, byte[]> dlq = awaitRecord(Topics.BILLING_STRIPE_DLQ, charge.chargeId());
    assertThat(Topics.BILLING_STRIPE_DLQ.valueSerde().deserializer().deserialize("", dlq.value()))
        .isEqualTo(charge);
    assertThat(
            new String(
                dlq.headers().lastHeader(SignetHeaders.ERROR).value(), StandardCharsets.UTF_8))
        .contains("HTTP 500");
    assertThat(count("stripe_push_dead_letters WHERE charge_id = ?", charge.chargeId()))
        .isEqualTo(1);
    assertThat(count("stripe_push_ledger WHERE charge_id = ?", charge.chargeId())).isZero();
    assertThat(registry.get(LedgerMetrics.DEAD_LETTERS_TOTAL).counter().count()).isEqualTo(1);
    assertThat(registry.get(LedgerMetrics.DEAD_LETTERS).gauge().value()).isGreaterThanOrEqualTo(1);
    assertThat(worker.health().check().details()).containsKey("dead_letters");
  }

  @Test
  void shouldMaterialiseWithoutAKeyAndSayPushingIsOff() throws Exception {
    OverageCharge charge = charge(0, 0, 4);
    LedgerWorker worker = started(worker(Optional.empty(), config(Optional.empty())));

    send(Topics.BILLING_OVERAGE, tenant, charge);

    assertThat(awaitPushes(1).get(charge.chargeId()).outcome()).isEqualTo(StripePush.SKIPPED);
    assertThat(count("billing_charges WHERE charge_id = ?", charge.chargeId())).isEqualTo(1);
    assertThat(stripe.requests()).isEmpty();
    Health health = worker.health().check();
    assertThat(health.ready()).isTrue();
    assertThat(health.details()).containsEntry("stripe_pushing", LedgerWorker.PUSHING_OFF);
    assertThat(registry.get(StripeBilling.PUSHES).tag("outcome", "skipped").counter().count())
        .isEqualTo(1);
  }

  @Test
  void shouldKeepTheHighestTotalAndFollowReservationChanges() throws Exception {
    started(worker(Optional.empty(), config(Optional.empty())));
    String now = Instant.now().toString();
    ReservedConfigChange set =
        new ReservedConfigChange(
            tenant,
            ReservedConfigChange.SET,
            Json.parse("{\"vex_reserved\": 100, \"fu_reserved\": 0}"),
            "v1",
            null,
            now,
            "startup",
            "sha");
    String key = PeriodTotal.key(tenant, "2026-01", PeriodTotal.VEX);
    send(Topics.BILLING_PERIOD_TOTALS, key, new PeriodTotal(tenant, "2026-01", "vex", 120, now));
    await().atMost(WAIT).until(() -> count("billing_period_totals WHERE tenant = ?", tenant) == 1);
    // An older total replayed after a newer one.
    send(Topics.BILLING_PERIOD_TOTALS, key, new PeriodTotal(tenant, "2026-01", "vex", 90, now));
    send(Topics.BILLING_RESERVED_CONFIG, tenant, set);

    await().atMost(WAIT).until(() -> count("billing_reservations WHERE tenant = ?", tenant) == 1);
    assertThat(totalUnits()).isEqualTo(120);

    send(
        Topics.BILLING_RESERVED_CONFIG,
        tenant,
        new ReservedConfigChange(
            tenant, ReservedConfigChange.REMOVED, null, null, "v1", now, "startup", "sha"));
    await().atMost(WAIT).until(() -> count("billing_reservations WHERE tenant = ?", tenant) == 0);
  }

  // --- helpers ---

  private OverageCharge charge(int band, long before, long after) {
    String id = "ch-" + UUID.randomUUID();
    String price = band == 0 ? "0.01" : "0.02";
    String amount =
        new BigDecimal(price)
            .multiply(BigDecimal.valueOf(after - before))
            .setScale(2)
            .toPlainString();
    return new OverageCharge(
        id,
        tenant,
        "2026-01",
        "vex",
        band,
        after - before,
        price,
        amount,
        "USD",
        before,
        after,
        new OverageCharge.Window("2026-01-05T10:00:00Z", "2026-01-05T10:00:59Z"),
        band == 0 ? "signet_vex_t1" : "signet_vex_t2",
        "cus_" + tenant,
        "2026-01-05T10:01:00Z");
  }

  private StripeConfig stripeConfig() {
    return StripeConfig.defaults("sk_test_stub", stripe.baseUrl())
        .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(50));
  }

  private Optional<StripeBilling> stripeBilling(PushLedger ledger) {
    return Optional.of(
        new StripeBilling(
            ledger, new MeterEventPusher(stripeConfig(), registry), registry, Clock.systemUTC()));
  }

  private LedgerConfig config(Optional<StripeConfig> stripeConfig) {
    return new LedgerConfig(
        broker.getBrokersAsString(),
        group,
        new PostgresSettings(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null),
        stripeConfig,
        Duration.ofMillis(100),
        100,
        Duration.ofMillis(50),
        Duration.ofMillis(500));
  }

  private LedgerWorker pushingWorker(PushLedger ledger) {
    return worker(stripeBilling(ledger), config(Optional.of(stripeConfig())));
  }

  private LedgerWorker worker(Optional<StripeBilling> billing, LedgerConfig config) {
    LedgerWorker worker =
        new LedgerWorker(config, MACS, registry, dataSource, null, billing, Clock.systemUTC());
    workers.add(worker);
    return worker;
  }

  private static LedgerWorker started(LedgerWorker worker) {
    return worker.start();
  }

  /** As a client with write access to the topic but without the server secret would. */
  private void sendUnstamped(Topic<String, OverageCharge> topic, String key, OverageCharge value)
      throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topic.name(),
                  key,
                  topic.valueSerde().serializer().serialize(topic.name(), value)))
          .get();
    }
  }

  /** The value's bytes, with billing's MAC of them stamped into {@code headers}. */
  private static <V> byte[] stamped(Topic<String, V> topic, V value, RecordHeaders headers) {
    RecordMac mac = MACS.forTopic(topic.name()).orElseThrow();
    return new MacStampingSerializer<>(topic.valueSerde().serializer(), mac)
        .serialize(topic.name(), headers, value);
  }

  @SafeVarargs
  private <V> void send(Topic<String, V> topic, String key, V... values) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (V value : values) {
        RecordHeaders headers = new RecordHeaders();
        producer
            .send(
                new ProducerRecord<>(
                    topic.name(), null, key, stamped(topic, value, headers), headers))
            .get();
      }
    }
  }

  /** The latest push-status record of each of this test's charges, once there are {@code n}. */
  private Map<String, StripePush> awaitPushes(int n) {
    Map<String, StripePush> latest = new HashMap<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              latest.clear();
              readPushes().forEach(p -> latest.put(p.chargeId(), p));
              return latest.size() >= n;
            });
    return latest;
  }

  private List<StripePush> awaitPushList(int n) {
    List<StripePush> all = new ArrayList<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              all.clear();
              all.addAll(readPushes());
              return all.size() >= n;
            });
    return all;
  }

  private List<StripePush> readPushes() {
    List<StripePush> pushes = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : readAll(Topics.BILLING_STRIPE_PUSHES.name())) {
      StripePush push =
          Topics.BILLING_STRIPE_PUSHES.valueSerde().deserializer().deserialize("", record.value());
      if (push.tenant().equals(tenant)) {
        pushes.add(push);
      }
    }
    return pushes;
  }

  private ConsumerRecord<String, byte[]> awaitRecord(Topic<String, ?> topic, String key) {
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              found.clear();
              readAll(topic.name()).stream().filter(r -> key.equals(r.key())).forEach(found::add);
              return !found.isEmpty();
            });
    return found.get(0);
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.getBrokersAsString(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      while (consumer.position(partition) < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /** Commits the group's offsets at the topics' current ends, so it reads only what comes next. */
  private static void startGroupAtTheEnd(String groupId) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (Topic<?, ?> topic :
          List.of(
              Topics.BILLING_OVERAGE,
              Topics.BILLING_PERIOD_TOTALS,
              Topics.BILLING_RESERVED_CONFIG)) {
        latest.put(new TopicPartition(topic.name(), 0), OffsetSpec.latest());
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
      admin.alterConsumerGroupOffsets(groupId, offsets).all().get();
    }
  }

  private static long count(String fromWhere, String param) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + fromWhere)) {
      s.setString(1, param);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static String amount(String chargeId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT amount FROM billing_charges WHERE charge_id = ?")) {
      s.setString(1, chargeId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getBigDecimal(1).toPlainString();
      }
    }
  }

  private long totalUnits() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT units FROM billing_period_totals WHERE tenant = ? AND period = '2026-01'"
                    + " AND unit_type = 'vex'")) {
      s.setString(1, tenant);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }
}
