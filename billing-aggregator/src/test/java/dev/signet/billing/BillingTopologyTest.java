package dev.signet.billing;

import static dev.signet.billing.TestReceipts.receipt;
import static dev.signet.billing.TestUsage.finalUsage;
import static dev.signet.billing.TestUsage.usage;
import static dev.signet.core.topic.Topics.BILLING_USAGE_ADJUSTMENTS;
import static dev.signet.core.topic.Topics.BILLING_USAGE_HOURLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.UsageAdjustment;
import dev.signet.core.receipt.Receipt;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BillingTopologyTest {

  private static final Instant H10 = Instant.parse("2025-01-27T10:00:00Z");
  private static final Instant H11 = Instant.parse("2025-01-27T11:00:00Z");
  private static final Instant WALL_CLOCK = Instant.parse("2025-03-01T08:00:00Z");
  private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

  @TempDir Path stateDir;

  private BillingDriver billing;
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private TestOutputTopic<String, HourlyUsage> hourly;
  private TestOutputTopic<String, UsageAdjustment> adjustments;

  /** The hourly topic as compaction leaves it: the latest value per key. */
  private final Map<String, HourlyUsage> compacted = new HashMap<>();

  @BeforeEach
  void startDriver() {
    billing =
        new BillingDriver(
            BillingDriver.config("billing-topology-test", stateDir, COMMIT_INTERVAL, TEST_GRACE),
            registry,
            WALL_CLOCK);
    hourly = billing.output(BILLING_USAGE_HOURLY);
    adjustments = billing.output(BILLING_USAGE_ADJUSTMENTS);
  }

  @AfterEach
  void closeDriver() {
    billing.close();
  }

  @Test
  void shouldSumVexAndFuPerTenantPerHour() {
    signedAndProduced("tenant-a", H10.plus(minutes(5)), null);
    signedAndProduced("tenant-a", H10.plus(minutes(20)), 7L);
    signedAndProduced("tenant-b", H10.plus(minutes(30)), 5L);
    signedAndProduced("tenant-a", H11.plus(minutes(10)), 3L);
    signedAndProduced("tenant-b", H11.plus(minutes(15)), null);
    signedAndProduced("tenant-b", H11.plus(minutes(40)), 2L);

    assertThat(totals())
        .containsOnly(
            // Stream time passed 11:05, the end of 10:00-11:00 plus grace: those hours are final.
            Map.entry("tenant-a@2025-01-27T10:00:00Z", finalUsage("tenant-a", H10, 2, 7)),
            Map.entry("tenant-b@2025-01-27T10:00:00Z", finalUsage("tenant-b", H10, 1, 5)),
            Map.entry("tenant-a@2025-01-27T11:00:00Z", usage("tenant-a", H11, 1, 3)),
            Map.entry("tenant-b@2025-01-27T11:00:00Z", usage("tenant-b", H11, 2, 2)));
  }

  @Test
  void shouldKeyByTenantAndUtcWindowStart() {
    signedAndProduced("tenant-a", H11.minusMillis(1), 4L);
    billing.advance(COMMIT_INTERVAL);

    var record = hourly.readKeyValue();

    assertThat(record.key).isEqualTo("tenant-a@2025-01-27T10:00:00Z");
    assertThat(record.value)
        .isEqualTo(
            new HourlyUsage(
                "tenant-a", "2025-01-27T10:00:00Z", "2025-01-27T11:00:00Z", 1, 4, false));
  }

  /** Short, so that the tests can cross it with a few minutes of receipts. */
  private static final Duration TEST_GRACE = Duration.ofMinutes(5);

  @Test
  void shouldCountLateReceiptWithinGrace() {
    signedAndProduced("tenant-a", H10.plus(minutes(10)), 1L);
    signedAndProduced("tenant-a", H11.plus(minutes(3)), 1L);

    signedAndProduced("tenant-a", H10.plus(minutes(58)), 2L);

    assertThat(totals())
        .containsEntry("tenant-a@2025-01-27T10:00:00Z", usage("tenant-a", H10, 2, 3));
  }

  @Test
  void shouldPublishAReceiptAfterGraceAsAnAdjustmentNotDropIt() {
    signedAndProduced("tenant-a", H10.plus(minutes(10)), 1L);
    signedAndProduced("tenant-a", H11.plus(minutes(6)), 1L);
    Map<String, HourlyUsage> beforeLateReceipt = totals();

    signedAndProduced("tenant-a", H10.plus(minutes(30)), 2L);

    billing.advance(COMMIT_INTERVAL);
    assertThat(hourly.isEmpty()).isTrue();
    assertThat(beforeLateReceipt)
        .containsEntry("tenant-a@2025-01-27T10:00:00Z", finalUsage("tenant-a", H10, 1, 1));
    assertThat(adjustments.readKeyValuesToList())
        .singleElement()
        .satisfies(
            adjustment -> {
              assertThat(adjustment.key).isEqualTo("tenant-a@2025-01-27T10:00:00Z");
              assertThat(adjustment.value.vex()).isEqualTo(1);
              assertThat(adjustment.value.fuTokens()).isEqualTo(2);
              assertThat(adjustment.value.reason()).isEqualTo(UsageAdjustment.LATE);
            });
  }

  @Test
  void shouldBillTheHourSignedOnTheReceiptNotTheProduceTime() {
    Receipt receipt = receipt("tenant-a", H11.minusMillis(10), 1L);

    billing.produce(receipt, H11.plusMillis(50));

    assertThat(totals()).containsOnlyKeys("tenant-a@2025-01-27T10:00:00Z");
  }

  @Test
  void shouldBillAReplayedReceiptToItsOriginalHour() {
    Receipt replayed = receipt("tenant-a", H10.plus(minutes(15)), 1L);

    billing.produce(replayed, H10.plus(Duration.ofDays(30)));

    assertThat(totals()).containsOnlyKeys("tenant-a@2025-01-27T10:00:00Z");
  }

  @Test
  void shouldUseProduceTimeWhenTsIsFarAheadAndKeepTheHourOpen() {
    Receipt fromTheFuture = receipt("tenant-a", "2099-01-01T00:00:00.000Z", 1L);
    billing.produce(fromTheFuture, H10.plus(minutes(15)));

    signedAndProduced("tenant-a", H10.plus(minutes(20)), 1L);

    assertThat(totals())
        .containsOnly(Map.entry("tenant-a@2025-01-27T10:00:00Z", usage("tenant-a", H10, 2, 2)));
  }

  @Test
  void shouldSkipRecordsThatAreNotReceiptsAndKeepCounting() {
    // Authentic (valid MAC) but not receipts: a processor bug, not a forgery.
    billing.produceWithMac("trace-1", "not json".getBytes(StandardCharsets.UTF_8), H10);
    billing.produceWithMac(
        "trace-2", "{\"tenant\":\"tenant-a\"}".getBytes(StandardCharsets.UTF_8), H10);

    signedAndProduced("tenant-a", H10.plus(minutes(1)), 2L);

    assertThat(totals())
        .containsOnly(Map.entry("tenant-a@2025-01-27T10:00:00Z", usage("tenant-a", H10, 1, 2)));
    assertThat(rejected(ReceiptOrigin.NOT_A_RECEIPT)).isEqualTo(2);
  }

  @Test
  void shouldNotBillAReceiptWithoutMac() {
    Receipt unauthenticated = receipt("tenant-a", H10.plus(minutes(1)), 50L);
    billing
        .rawReceipts()
        .pipeInput(
            new TestRecord<>(
                unauthenticated.traceId(),
                TestReceipts.bytes(unauthenticated),
                new RecordHeaders(),
                H10.plus(minutes(1))));

    signedAndProduced("tenant-a", H10.plus(minutes(2)), 2L);

    assertThat(totals())
        .containsOnly(Map.entry("tenant-a@2025-01-27T10:00:00Z", usage("tenant-a", H10, 1, 2)));
    assertThat(rejected(ReceiptOrigin.MAC_MISSING)).isEqualTo(1);
  }

  @Test
  void shouldNotBillAReceiptWhoseMacWasMadeWithAnotherSecret() {
    Receipt forged = receipt("tenant-a", H10.plus(minutes(1)), 50L);
    byte[] value = TestReceipts.bytes(forged);
    String wrongMac =
        new ReceiptMac(ServerSecret.derivedFrom(SigningKey.generate("mallory"))).sign(value);
    billing
        .rawReceipts()
        .pipeInput(
            new TestRecord<>(
                forged.traceId(), value, TestReceipts.macHeader(wrongMac), H10.plus(minutes(1))));

    signedAndProduced("tenant-a", H10.plus(minutes(2)), 2L);

    assertThat(totals())
        .containsOnly(Map.entry("tenant-a@2025-01-27T10:00:00Z", usage("tenant-a", H10, 1, 2)));
    assertThat(rejected(ReceiptOrigin.MAC_INVALID)).isEqualTo(1);
  }

  @Test
  void shouldNotBillAnAlteredReceiptCarryingTheOriginalMac() {
    Receipt genuine = receipt("tenant-a", H10.plus(minutes(1)), 1L);
    Headers originalMac = TestReceipts.genuineHeaders(TestReceipts.bytes(genuine));
    byte[] inflated =
        new String(TestReceipts.bytes(genuine), StandardCharsets.UTF_8)
            .replace("\"fu_tokens\":1", "\"fu_tokens\":1000")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(inflated).isNotEqualTo(TestReceipts.bytes(genuine));

    billing
        .rawReceipts()
        .pipeInput(
            new TestRecord<>(genuine.traceId(), inflated, originalMac, H10.plus(minutes(1))));

    assertThat(totals()).isEmpty();
    assertThat(rejected(ReceiptOrigin.MAC_INVALID)).isEqualTo(1);
  }

  @Test
  void shouldSkipUnbillableReceiptsAndKeepCounting() {
    Receipt negativeFu = receipt("tenant-a", H10.plus(minutes(1)), -5L);
    Receipt unreadableTs = receipt("tenant-a", "yesterday", 1L);
    billing.produce(negativeFu, H10.plus(minutes(1)));
    billing.produce(unreadableTs, H10.plus(minutes(2)));
    billing.rawReceipts().pipeInput("trace-tombstone", null, H10.plus(minutes(3)));

    signedAndProduced("tenant-a", H10.plus(minutes(4)), 2L);

    assertThat(totals())
        .containsOnly(Map.entry("tenant-a@2025-01-27T10:00:00Z", usage("tenant-a", H10, 1, 2)));
  }

  @Test
  void shouldNameEveryNode() {
    String description =
        topology(BillingTopology.DEFAULT_GRACE, registry).build().describe().toString();

    assertThat(description)
        .contains(
            "read-receipts",
            "authenticate-receipts",
            "usage-by-tenant-repartition",
            SumUsagePerHour.OPEN_STORE,
            SumUsagePerHour.DIRTY_STORE,
            SumUsagePerHour.CLOSED_STORE,
            "write-usage-hourly",
            "write-usage-adjustments")
        .doesNotContain("KSTREAM-", "KTABLE-");
  }

  @Test
  void shouldMatchTheTopologySnapshot() throws IOException {
    String actual =
        normalise(topology(BillingTopology.DEFAULT_GRACE, registry).build().describe().toString());

    String expected;
    try (InputStream in = BillingTopologyTest.class.getResourceAsStream("billing-topology.txt")) {
      assertThat(in).as("snapshot resource billing-topology.txt").isNotNull();
      expected = normalise(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    // A change here renames or reshapes internal topics and state stores, which breaks a running
    // deployment: update the snapshot only on purpose, with a migration plan.
    assertThat(actual)
        .as("topology changed; if on purpose, update billing-topology.txt to:%n%s", actual)
        .isEqualTo(expected);
  }

  private void signedAndProduced(String tenant, Instant signedAt, Long fuTokens) {
    billing.produce(receipt(tenant, signedAt, fuTokens));
  }

  private double rejected(String reason) {
    return BillingDriver.counted(registry, AuthenticateReceipts.REJECTED, "reason", reason);
  }

  private static BillingTopology topology(Duration grace, MeterRegistry registry) {
    return new BillingTopology(grace, TestReceipts.SECRET, registry);
  }

  /** After the next emission. */
  private Map<String, HourlyUsage> totals() {
    billing.advance(COMMIT_INTERVAL);
    compacted.putAll(hourly.readKeyValuesToMap());
    return Map.copyOf(compacted);
  }

  private static Duration minutes(long minutes) {
    return Duration.ofMinutes(minutes);
  }

  private static String normalise(String description) {
    return description
        .lines()
        .map(String::stripTrailing)
        .filter(line -> !line.isEmpty())
        .collect(Collectors.joining("\n"));
  }
}
