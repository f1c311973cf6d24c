package dev.signet.billing;

import static dev.signet.billing.TestReceipts.receipt;
import static dev.signet.core.topic.Topics.BILLING_PERIOD_TOTALS;
import static dev.signet.core.topic.Topics.BILLING_USAGE_ADJUSTMENTS;
import static dev.signet.core.topic.Topics.BILLING_USAGE_HOURLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.UsageAdjustment;
import dev.signet.core.receipt.Receipt;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hourly finality and late usage, with explicit record timestamps and a mocked wall clock: running
 * totals per emit interval, final by stream time or by wall clock when idle, adjustments after.
 */
class HourlyFinalityTopologyTest {

  private static final Instant H10 = Instant.parse("2025-01-27T10:00:00Z");
  private static final Instant H11 = Instant.parse("2025-01-27T11:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(5);
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  /** Billing's wall clock, well after the receipts' hours (as after an outage or a replay). */
  private static final Instant WALL_CLOCK = Instant.parse("2025-03-01T08:00:00Z");

  @TempDir Path stateDir;
  @TempDir Path restartDir;

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private BillingDriver billing;
  private TestOutputTopic<String, HourlyUsage> hourly;
  private TestOutputTopic<String, UsageAdjustment> adjustments;
  private TestOutputTopic<String, PeriodTotal> periods;

  @BeforeEach
  void startDriver() {
    start(stateDir, WALL_CLOCK);
  }

  @AfterEach
  void closeDriver() {
    billing.close();
  }

  @Test
  void shouldPutTheLastMillisecondInItsHourAndTheNextMillisecondInTheNext() {
    signed("tenant-a", H11.minusMillis(1), 1L);
    signed("tenant-a", H11, 2L);

    assertThat(emitted())
        .containsExactlyInAnyOrder(
            KeyValue.pair(key(H10), usage(H10, 1, 1, false)),
            KeyValue.pair(key(H11), usage(H11, 1, 2, false)));
  }

  @Test
  void shouldEmitOnlyTheHoursChangedSinceTheLastEmission() {
    signed("tenant-a", H10.plusSeconds(60), 1L);
    signed("tenant-b", H10.plusSeconds(61), 1L);
    emitted();

    signed("tenant-b", H10.plusSeconds(62), 5L);
    signed("tenant-b", H10.plusSeconds(63), 5L);

    assertThat(emitted())
        .containsExactly(
            KeyValue.pair("tenant-b@" + H10, TestUsage.usage("tenant-b", H10, 3, 11, false)));
    assertThat(emitted()).isEmpty();
  }

  @Test
  void shouldEmitNothingBeforeTheInterval() {
    signed("tenant-a", H10.plusSeconds(60), 1L);

    assertThat(hourly.isEmpty()).isTrue();
  }

  @Test
  void shouldCloseAnHourWhenStreamTimeReachesExactlyItsEndPlusGrace() {
    signed("tenant-a", H10.plusSeconds(60), 3L);
    signed("tenant-b", H11.plus(GRACE).minusMillis(1), null);
    assertThat(emitted()).noneMatch(record -> record.value.isFinal());

    signed("tenant-b", H11.plus(GRACE), null);

    assertThat(hourly.readKeyValuesToList())
        .as("the final record comes with the record that moved stream time, not a tick later")
        .containsExactly(KeyValue.pair(key(H10), usage(H10, 1, 3, true)));
  }

  @Test
  void shouldWriteTheDocumentedJsonFields() {
    TestOutputTopic<String, String> rawHourly =
        billing.output(BILLING_USAGE_HOURLY, new StringDeserializer());
    signed("tenant-a", H10.plusSeconds(60), 3L);
    signed("tenant-a", H11.plus(GRACE), null);

    assertThat(rawHourly.readValuesToList())
        .singleElement()
        .isEqualTo(
            "{\"tenant\":\"tenant-a\",\"window_start\":\"2025-01-27T10:00:00Z\","
                + "\"window_end\":\"2025-01-27T11:00:00Z\",\"vex\":1,\"fu_tokens\":3,"
                + "\"final\":true}");
  }

  @Test
  void shouldCloseAnIdleHourByWallClockAfterTheGrace() {
    signed("tenant-a", H10.plusSeconds(60), 3L);
    signed("tenant-a", H10.plusSeconds(120), 4L);
    assertThat(emitted()).containsExactly(KeyValue.pair(key(H10), usage(H10, 2, 7, false)));

    billing.advance(GRACE.minus(INTERVAL).minusSeconds(1));
    assertThat(hourly.isEmpty()).as("idle for less than the grace").isTrue();

    billing.advance(INTERVAL);

    assertThat(hourly.readKeyValuesToList())
        .containsExactly(KeyValue.pair(key(H10), usage(H10, 2, 7, true)));
  }

  @Test
  void shouldNotCloseByWallClockWhileRecordsKeepArriving() {
    // A catch-up: the wall clock is weeks past the hour, but receipts of the hour keep flowing.
    for (int minute = 1; minute <= 12; minute++) {
      signed("tenant-a", H10.plus(Duration.ofMinutes(minute)), 1L);
      billing.advance(Duration.ofMinutes(1));
    }

    assertThat(hourly.readKeyValuesToList())
        .isNotEmpty()
        .allSatisfy(record -> assertThat(record.value.isFinal()).isFalse())
        .last()
        .isEqualTo(KeyValue.pair(key(H10), usage(H10, 12, 12, false)));
    assertThat(adjustments.isEmpty()).isTrue();

    billing.advance(GRACE);

    assertThat(hourly.readKeyValuesToList())
        .containsExactly(KeyValue.pair(key(H10), usage(H10, 12, 12, true)));
  }

  @Test
  void shouldNotTurnABacklogIntoAdjustmentsWhenTheWallClockRanWithoutRecords() {
    // A task that started (or whose upstream stalled) and saw nothing for longer than the grace.
    billing.advance(GRACE.multipliedBy(4));

    signed("tenant-a", H10.plusSeconds(60), 1L);
    signed("tenant-a", H11.plus(GRACE), 2L);

    assertThat(adjustments.isEmpty()).isTrue();
    assertThat(hourly.readKeyValuesToList())
        .containsExactly(KeyValue.pair(key(H10), usage(H10, 1, 1, true)));
    assertThat(emitted()).containsExactly(KeyValue.pair(key(H11), usage(H11, 1, 2, false)));
  }

  @Test
  void shouldEmitExactlyOneFinalRecordPerHour() {
    signed("tenant-a", H10.plusSeconds(60), 1L);
    signed("tenant-a", H11.plus(GRACE), 1L);
    signed("tenant-a", H11.plus(GRACE).plusSeconds(1), 1L);
    billing.advance(GRACE.multipliedBy(3));
    // H11 was closed by wall clock: more usage of it only adjusts; a later hour opens afresh.
    signed("tenant-a", H11.plusSeconds(30), 1L);
    signed("tenant-a", H11.plus(Duration.ofHours(5)), 1L);
    billing.advance(GRACE.multipliedBy(3));
    billing.advance(GRACE.multipliedBy(3));

    List<KeyValue<String, HourlyUsage>> records = hourly.readKeyValuesToList();

    assertThat(records.stream().filter(record -> record.value.isFinal()).map(r -> r.key))
        .containsExactly(key(H10), key(H11), key(H11.plus(Duration.ofHours(5))));
    assertThat(adjustments.readKeyValuesToList())
        .extracting(record -> record.key)
        .containsExactly(key(H11));
    assertThat(records.stream().filter(record -> record.key.equals(key(H10))))
        .last()
        .isEqualTo(KeyValue.pair(key(H10), usage(H10, 1, 1, true)));
    assertThat(records.stream().filter(record -> record.key.equals(key(H11))))
        .last()
        .isEqualTo(KeyValue.pair(key(H11), usage(H11, 2, 2, true)));
  }

  @Test
  void shouldPublishLateUsageAsOneAdjustmentOfItsHour() {
    signed("tenant-a", H10.plusSeconds(60), 1L);
    signed("tenant-a", H11.plus(GRACE), 1L);
    hourly.readKeyValuesToList();
    Receipt late = receipt("tenant-a", H10.plus(Duration.ofMinutes(30)), 4L);

    billing.produce(late, H11.plus(GRACE).plusSeconds(5));
    billing.advance(INTERVAL);

    TestRecord<String, UsageAdjustment> adjustment = adjustments.readRecord();
    assertThat(adjustment.key()).isEqualTo(key(H10));
    assertThat(adjustment.value())
        .isEqualTo(
            new UsageAdjustment(
                HourlyUsages.adjustmentId("tenant-a", H10, late.traceId(), late.hop()),
                "tenant-a",
                H10.toString(),
                H11.toString(),
                1,
                4,
                UsageAdjustment.LATE,
                WALL_CLOCK.toString()));
    assertThat(adjustment.getRecordTime()).isEqualTo(H10.plus(Duration.ofMinutes(30)));
    assertThat(adjustment.headers().toArray()).as("the receipt's MAC stays behind").isEmpty();
    assertThat(adjustments.isEmpty()).isTrue();
    assertThat(hourly.readKeyValuesToList())
        .as("nothing for the closed hour after its final record")
        .noneMatch(record -> record.key.equals(key(H10)));
    assertThat(lateUsage()).isEqualTo(1);
  }

  @Test
  void shouldAdjustACopiedLateReceiptOnceAndGiveEachReceiptItsOwnId() {
    signed("tenant-a", H10.plusSeconds(60), 1L);
    signed("tenant-a", H11.plus(GRACE), 1L);
    Receipt late = receipt("tenant-a", H10.plus(Duration.ofMinutes(30)), 4L);
    Receipt other = receipt("tenant-a", H10.plus(Duration.ofMinutes(30)), 4L);

    billing.produce(late, H11.plus(GRACE).plusSeconds(5));
    billing.advance(Duration.ofMinutes(1));
    // A copy of the same receipt: billed once, so adjusted once (see DeduplicateReceipts).
    billing.produce(late, H11.plus(GRACE).plusSeconds(65));
    billing.produce(other, H11.plus(GRACE).plusSeconds(66));

    List<UsageAdjustment> published = adjustments.readValuesToList();
    assertThat(published).hasSize(2);
    assertThat(published.get(0).adjustmentId())
        .isEqualTo(HourlyUsages.adjustmentId("tenant-a", H10, late.traceId(), 1));
    assertThat(published.get(1).adjustmentId())
        .as("another receipt of the same hour")
        .isNotEqualTo(published.get(0).adjustmentId());
    assertThat(published.get(0).adjustmentId()).matches("adj-[0-9a-f]{64}");
  }

  @Test
  void shouldCloseHoursAcrossTheMonthRolloverInUtcAndStillCountLateUsageInItsMonth() {
    Instant feb1 = Instant.parse("2025-02-01T00:00:00Z");
    Instant lastHourOfJanuary = feb1.minus(Duration.ofHours(1));
    signed("tenant-a", feb1.minusMillis(1), 2L);
    signed("tenant-a", feb1, 3L);
    signed("tenant-a", feb1.plus(GRACE), null);

    assertThat(hourly.readKeyValuesToList())
        .containsExactly(
            KeyValue.pair(key(lastHourOfJanuary), usage(lastHourOfJanuary, 1, 2, true)));
    signed("tenant-a", feb1.minusSeconds(10), 5L);

    assertThat(adjustments.readValuesToList())
        .singleElement()
        .satisfies(
            adjustment -> {
              assertThat(adjustment.windowStart()).isEqualTo("2025-01-31T23:00:00Z");
              assertThat(adjustment.windowEnd()).isEqualTo("2025-02-01T00:00:00Z");
            });
    // Period totals are published once per emit interval.
    billing.advance(INTERVAL);
    Map<String, Long> months = new HashMap<>();
    periods.readValuesToList().forEach(total -> months.put(total.key(), total.units()));
    assertThat(months)
        .containsEntry("tenant-a@2025-01@vex", 2L)
        .containsEntry("tenant-a@2025-01@fu", 7L)
        .containsEntry("tenant-a@2025-02@vex", 2L)
        .containsEntry("tenant-a@2025-02@fu", 3L);
  }

  @Test
  void shouldKeepTheWatermarkAcrossARestart() {
    signed("tenant-a", H10.plusSeconds(60), 1L);
    signed("tenant-a", H11.plus(GRACE), 1L);
    assertThat(hourly.readKeyValuesToList())
        .contains(KeyValue.pair(key(H10), usage(H10, 1, 1, true)));

    restart();
    // Stream time of the restarted task starts from nothing: only the stored watermark knows.
    signed("tenant-a", H10.plus(Duration.ofMinutes(30)), 4L);
    billing.advance(INTERVAL);

    assertThat(adjustments.readValuesToList())
        .singleElement()
        .satisfies(adjustment -> assertThat(adjustment.windowStart()).isEqualTo(H10.toString()));
    assertThat(hourly.readKeyValuesToList()).noneMatch(record -> record.key.equals(key(H10)));
  }

  /**
   * Restarts the driver on a copy of the state taken after its last commit: closing a {@link
   * TopologyTestDriver} deletes its state directory, a real restart does not.
   */
  private void restart() {
    copy(stateDir, restartDir);
    billing.close();
    start(restartDir, WALL_CLOCK.plus(Duration.ofMinutes(1)));
  }

  private void start(Path dir, Instant wallClock) {
    billing =
        new BillingDriver(
            BillingDriver.config("hourly-finality-test", dir, INTERVAL, GRACE),
            registry,
            wallClock);
    hourly = billing.output(BILLING_USAGE_HOURLY);
    adjustments = billing.output(BILLING_USAGE_ADJUSTMENTS);
    periods = billing.output(BILLING_PERIOD_TOTALS);
  }

  private static void copy(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else if (!path.getFileName().toString().endsWith(".lock")) {
          Files.copy(path, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("copying the state directory " + from, e);
    }
  }

  /** What the next emission publishes to the hourly topic. */
  private List<KeyValue<String, HourlyUsage>> emitted() {
    billing.advance(INTERVAL);
    return hourly.readKeyValuesToList();
  }

  private void signed(String tenant, Instant signedAt, Long fuTokens) {
    billing.produce(receipt(tenant, signedAt, fuTokens));
  }

  private double lateUsage() {
    return BillingDriver.counted(registry, SumUsagePerHour.LATE_USAGE_METRIC);
  }

  private static String key(Instant windowStart) {
    return HourlyUsages.key("tenant-a", windowStart);
  }

  private static HourlyUsage usage(Instant windowStart, long vex, long fuTokens, boolean isFinal) {
    return TestUsage.usage("tenant-a", windowStart, vex, fuTokens, isFinal);
  }
}
