package dev.signet.billing;

import static dev.signet.billing.TestReceipts.receipt;
import static dev.signet.billing.TestUsage.usage;
import static dev.signet.core.topic.Topics.BILLING_PERIOD_TOTALS;
import static dev.signet.core.topic.Topics.BILLING_USAGE_HOURLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.PeriodTotal;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UTC calendar-month totals forked off the tenant-keyed usage, with explicit timestamps. */
class PeriodTotalsTopologyTest {

  private static final Instant WALL_CLOCK = Instant.parse("2025-03-01T08:00:00Z");
  private static final Instant JAN_10 = Instant.parse("2025-01-10T10:00:00Z");
  private static final Instant FEB_1 = Instant.parse("2025-02-01T00:00:00Z");

  private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

  /** When the first publication runs: the totals carry it as {@code updated_at}. */
  private static final Instant PUBLISHED_AT = WALL_CLOCK.plus(COMMIT_INTERVAL);

  /** Short, so that a late receipt is past its hour's grace but not past its month. */
  private static final Duration TEST_GRACE = Duration.ofMinutes(5);

  @TempDir Path stateDir;

  private final MeterRegistry registry = new SimpleMeterRegistry();

  private BillingDriver billing;
  private TestOutputTopic<String, PeriodTotal> periods;
  private TestOutputTopic<String, HourlyUsage> hourly;

  /** The period topic as compaction leaves it: the latest value per key. */
  private final Map<String, PeriodTotal> compacted = new HashMap<>();

  @BeforeEach
  void startDriver() {
    billing =
        new BillingDriver(
            BillingDriver.config("period-totals-test", stateDir, COMMIT_INTERVAL, TEST_GRACE),
            registry,
            WALL_CLOCK);
    periods = billing.output(BILLING_PERIOD_TOTALS);
    hourly = billing.output(BILLING_USAGE_HOURLY);
  }

  @AfterEach
  void closeDriver() {
    billing.close();
  }

  @Test
  void shouldSumVexAndFuTokensPerTenantMonthAndType() {
    signedAndProduced("tenant-a", JAN_10, 7L);
    signedAndProduced("tenant-a", JAN_10.plus(Duration.ofDays(3)), null);
    signedAndProduced("tenant-a", JAN_10.plus(Duration.ofDays(20)), 5L);

    assertThat(totals())
        .containsOnly(
            Map.entry("tenant-a@2025-01@vex", total("tenant-a", "2025-01", "vex", 3)),
            Map.entry("tenant-a@2025-01@fu", total("tenant-a", "2025-01", "fu", 12)));
  }

  @Test
  void shouldPublishNothingBeforeTheCommitIntervalHasPassed() {
    signedAndProduced("tenant-a", JAN_10, 2L);

    billing.advance(COMMIT_INTERVAL.minusMillis(1));

    assertThat(periods.isEmpty()).isTrue();
  }

  @Test
  void shouldPublishEachChangedTotalOncePerIntervalAsTheRunningTotal() {
    signedAndProduced("tenant-a", JAN_10, 2L);
    signedAndProduced("tenant-a", JAN_10.plusSeconds(60), 3L);
    billing.advance(COMMIT_INTERVAL);
    signedAndProduced("tenant-a", JAN_10.plusSeconds(120), null);
    billing.advance(COMMIT_INTERVAL);
    billing.advance(COMMIT_INTERVAL);

    List<KeyValue<String, PeriodTotal>> records = periods.readKeyValuesToList();

    assertThat(records)
        .containsExactlyInAnyOrder(
            KeyValue.pair("tenant-a@2025-01@vex", total("tenant-a", "2025-01", "vex", 2)),
            KeyValue.pair("tenant-a@2025-01@fu", total("tenant-a", "2025-01", "fu", 5)),
            KeyValue.pair(
                "tenant-a@2025-01@vex",
                new PeriodTotal(
                    "tenant-a",
                    "2025-01",
                    "vex",
                    3,
                    PUBLISHED_AT.plus(COMMIT_INTERVAL).toString())));
  }

  @Test
  void shouldCountVexAndFuTokensPerTenant() {
    signedAndProduced("tenant-a", JAN_10, 2L);
    signedAndProduced("tenant-a", JAN_10.plusSeconds(60), 3L);
    signedAndProduced("tenant-b", JAN_10.plusSeconds(60), null);

    assertThat(registry.get(BillingMeters.VEX_UNITS).tag("tenant", "tenant-a").counter().count())
        .isEqualTo(2);
    assertThat(registry.get(BillingMeters.FU_TOKENS).tag("tenant", "tenant-a").counter().count())
        .isEqualTo(5);
    assertThat(registry.get(BillingMeters.VEX_UNITS).tag("tenant", "tenant-b").counter().count())
        .isEqualTo(1);
  }

  @Test
  void shouldEmitNoFuTotalWhileNoReceiptCarriesFu() {
    signedAndProduced("tenant-a", JAN_10, null);
    signedAndProduced("tenant-a", JAN_10.plusSeconds(60), 0L);

    assertThat(totals())
        .containsOnly(Map.entry("tenant-a@2025-01@vex", total("tenant-a", "2025-01", "vex", 2)));
  }

  @Test
  void shouldStartTheNextMonthAtMidnightUtcOnTheFirst() {
    signedAndProduced("tenant-a", FEB_1.minusMillis(1), 1L);
    signedAndProduced("tenant-a", FEB_1, 10L);
    signedAndProduced("tenant-a", FEB_1.plusMillis(1), 100L);

    assertThat(totals())
        .containsOnly(
            Map.entry("tenant-a@2025-01@vex", total("tenant-a", "2025-01", "vex", 1)),
            Map.entry("tenant-a@2025-01@fu", total("tenant-a", "2025-01", "fu", 1)),
            Map.entry("tenant-a@2025-02@vex", total("tenant-a", "2025-02", "vex", 2)),
            Map.entry("tenant-a@2025-02@fu", total("tenant-a", "2025-02", "fu", 110)));
  }

  @Test
  void shouldAddALateReceiptToLastMonthAfterItsHourIsClosed() {
    signedAndProduced("tenant-a", JAN_10, 1L);
    signedAndProduced("tenant-a", FEB_1.plus(Duration.ofDays(2)), 1L);
    hourly.readKeyValuesToList();

    // Signed in January, read two days into February: its hour is long past grace.
    billing.produce(
        receipt("tenant-a", JAN_10.plusSeconds(600), 4L), FEB_1.plus(Duration.ofDays(2)));

    assertThat(totals())
        .containsEntry("tenant-a@2025-01@vex", total("tenant-a", "2025-01", "vex", 2))
        .containsEntry("tenant-a@2025-01@fu", total("tenant-a", "2025-01", "fu", 5))
        .containsEntry("tenant-a@2025-02@vex", total("tenant-a", "2025-02", "vex", 1));
    assertThat(hourly.readValuesToList())
        .as("the late receipt's hour is closed: no hourly update of it")
        .extracting(HourlyUsage::windowStart)
        .doesNotContain(JAN_10.toString());
  }

  @Test
  void shouldKeepTenantsApart() {
    signedAndProduced("tenant-a", JAN_10, 2L);
    signedAndProduced("tenant-b", JAN_10.plusSeconds(1), 3L);
    signedAndProduced("tenant-b", JAN_10.plusSeconds(2), null);

    assertThat(totals())
        .containsOnly(
            Map.entry("tenant-a@2025-01@vex", total("tenant-a", "2025-01", "vex", 1)),
            Map.entry("tenant-a@2025-01@fu", total("tenant-a", "2025-01", "fu", 2)),
            Map.entry("tenant-b@2025-01@vex", total("tenant-b", "2025-01", "vex", 2)),
            Map.entry("tenant-b@2025-01@fu", total("tenant-b", "2025-01", "fu", 3)));
  }

  @Test
  void shouldKeepTheHourlyTotalsAsTheyWereAndAgreeWithThem() {
    Instant h10 = JAN_10;
    Instant h11 = JAN_10.plus(Duration.ofHours(1));
    signedAndProduced("tenant-a", h10.plusSeconds(60), 7L);
    signedAndProduced("tenant-a", h10.plusSeconds(120), null);
    signedAndProduced("tenant-a", h11.plusSeconds(60), 3L);

    // Hourly totals are emitted once per commit interval, by wall clock.
    billing.advance(Duration.ofSeconds(1));
    Map<String, HourlyUsage> hours = hourly.readKeyValuesToMap();

    assertThat(hours)
        .containsOnly(
            Map.entry(HourlyUsages.key("tenant-a", h10), usage("tenant-a", h10, 2, 7)),
            Map.entry(HourlyUsages.key("tenant-a", h11), usage("tenant-a", h11, 1, 3)));
    assertThat(totals())
        .containsOnly(
            Map.entry("tenant-a@2025-01@vex", total("tenant-a", "2025-01", "vex", 3)),
            Map.entry("tenant-a@2025-01@fu", total("tenant-a", "2025-01", "fu", 10)));
  }

  @Test
  void shouldKeepTheSignedTimeAsTheRecordTimestamp() {
    Instant signedAt = FEB_1.minusMillis(1);
    signedAndProduced("tenant-a", signedAt, null);

    billing.advance(COMMIT_INTERVAL);
    TestRecord<String, PeriodTotal> record = periods.readRecord();

    assertThat(record.getRecordTime()).isEqualTo(signedAt);
    assertThat(record.value().updatedAt()).isEqualTo(PUBLISHED_AT.toString());
  }

  private void signedAndProduced(String tenant, Instant signedAt, Long fuTokens) {
    billing.produce(receipt(tenant, signedAt, fuTokens));
  }

  private Map<String, PeriodTotal> totals() {
    billing.advance(COMMIT_INTERVAL);
    compacted.putAll(periods.readKeyValuesToMap());
    return Map.copyOf(compacted);
  }

  private static PeriodTotal total(String tenant, String period, String type, long units) {
    return new PeriodTotal(tenant, period, type, units, PUBLISHED_AT.toString());
  }
}
