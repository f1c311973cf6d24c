package dev.signet.billing;

import dev.signet.core.message.HourlyUsage;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Sums each tenant's usage per UTC hour of the record timestamp (the receipt's signed {@code ts}),
 * publishes the running totals of the hours that changed once per interval, closes each hour
 * exactly once with a {@code final} total, and turns usage of an already closed hour into an
 * adjustment instead of dropping it.
 *
 * <p><b>State</b> (all changelogged, so it moves with the task and survives a crash):
 *
 * <ul>
 *   <li>{@value #OPEN_STORE}: open hours, key {@code tenant@windowStart}, value {@link
 *       UsageTotals}.
 *   <li>{@value #DIRTY_STORE}: keys of open hours changed since the last emission. In a store, not
 *       in a field: under {@code exactly_once_v2} a crash after a commit that added usage and
 *       before the emission would otherwise lose that emission for good (the usage is not read
 *       again). In memory with a changelog: it churns every interval and is restored on restart.
 *   <li>{@value #CLOSED_STORE}: the task's "closed through" watermark, an hour boundary {@code C}:
 *       every hour ending at or before {@code C} is final. It only moves forward.
 * </ul>
 *
 * <p><b>Finality.</b> An hour {@code [start, end)} is final once {@code end + grace <= T}, where
 * {@code T} is the task's stream time (the largest record timestamp seen), or its wall clock when
 * the task has seen no record for at least the grace (and at least one interval). The wall clock
 * closes the hours of a tenant or partition that went quiet; while records flow (a catch-up after
 * an outage), only stream time closes hours, so a backlog is billed into its hours and does not
 * become adjustments. Closing emits the hour's total with {@code final=true}, removes the hour from
 * the open store and moves the watermark: the final record is the last record of its key. Stream
 * time moves the watermark to {@code T - grace} (rounded down to the hour); the wall clock only to
 * the end of the last open hour it closed (see {@link #close}).
 *
 * <p><b>Late usage.</b> Usage whose hour ends at or before the watermark is forwarded as one {@link
 * dev.signet.core.message.UsageAdjustment} (reason {@code late}) per usage event, with a
 * deterministic id, and counted in {@value #LATE_USAGE_METRIC}. One per event keeps the id a
 * function of the receipt alone, so a replayed receipt repeats its id instead of changing a batch.
 */
final class SumUsagePerHour implements Processor<String, UsageEvent, String, HourlyOutput> {

  static final String OPEN_STORE = "usage-hourly-open-store";
  static final String DIRTY_STORE = "usage-hourly-dirty-store";
  static final String CLOSED_STORE = "usage-hourly-closed-store";
  static final String LATE_USAGE_METRIC = "signet_billing_late_usage_total";

  /** The one key of {@value #CLOSED_STORE}. */
  static final String CLOSED_THROUGH = "closed-through";

  private static final long HOUR_MS = BillingTopology.HOUR.toMillis();
  private static final long NONE = Long.MAX_VALUE;

  private final long graceMs;
  private final Duration interval;
  private final long idleMs;
  private final Counter lateUsage;

  private ProcessorContext<String, HourlyOutput> context;
  private KeyValueStore<String, UsageTotals> open;
  private KeyValueStore<String, Long> dirty;
  private KeyValueStore<String, Long> closed;
  private long closedThrough;
  private long earliestOpenStart;
  private long lastRecordWallMs;

  /**
   * @param grace lateness accepted after an hour ends before it is final
   * @param interval how often running totals are emitted and the wall clock is checked
   * @param lateUsage counts usage events published as adjustments
   */
  SumUsagePerHour(Duration grace, Duration interval, Counter lateUsage) {
    this.graceMs = grace.toMillis();
    this.interval = Objects.requireNonNull(interval, "interval");
    // With a zero grace, "idle for the grace" would hold between any two records.
    this.idleMs = Math.max(graceMs, interval.toMillis());
    this.lateUsage = Objects.requireNonNull(lateUsage, "lateUsage");
  }

  /**
   * The stores this processor needs, to add to the topology. The open and dirty stores are cached:
   * an hour changed by many receipts in one commit interval writes one changelog record, not one
   * per receipt (the cache is flushed before each commit, so exactly-once is unaffected).
   */
  static List<StoreBuilder<?>> stores() {
    return List.of(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(OPEN_STORE), Serdes.String(), UsageTotals.SERDE)
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(DIRTY_STORE), Serdes.String(), Serdes.Long())
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CLOSED_STORE), Serdes.String(), Serdes.Long()));
  }

  @Override
  public void init(ProcessorContext<String, HourlyOutput> context) {
    this.context = context;
    this.open = context.getStateStore(OPEN_STORE);
    this.dirty = context.getStateStore(DIRTY_STORE);
    this.closed = context.getStateStore(CLOSED_STORE);
    Long stored = closed.get(CLOSED_THROUGH);
    this.closedThrough = stored == null ? Long.MIN_VALUE : stored;
    this.earliestOpenStart = earliestOpenStart();
    // A restarted task waits a full idle period before the wall clock may close anything.
    this.lastRecordWallMs = context.currentSystemTimeMs();
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, UsageEvent> record) {
    UsageEvent usage = record.value();
    if (usage == null) {
      return;
    }
    lastRecordWallMs = context.currentSystemTimeMs();
    long start = hourFloor(record.timestamp());
    Instant windowStart = Instant.ofEpochMilli(start);
    String key = HourlyUsages.key(usage.tenant(), windowStart);
    if (start + HOUR_MS <= closedThrough) {
      lateUsage.increment();
      Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
      // A new record, not record.withValue: the receipt's headers (its MAC) stay behind.
      context.forward(
          new Record<>(
              key,
              new HourlyOutput.Adjustment(HourlyUsages.late(usage, windowStart, now)),
              record.timestamp()));
    } else {
      UsageTotals before = open.get(key);
      open.put(key, (before == null ? UsageTotals.ZERO : before).plus(usage, record.timestamp()));
      dirty.put(key, record.timestamp());
      earliestOpenStart = Math.min(earliestOpenStart, start);
    }
    close(hourFloor(record.timestamp() - graceMs), true);
  }

  private void punctuate(long wallMs) {
    if (wallMs - lastRecordWallMs >= idleMs) {
      close(hourFloor(wallMs - graceMs), false);
    }
    emitChanged();
  }

  /**
   * Closes every open hour ending at or before {@code through} (an hour boundary). Stream time
   * moves the watermark to {@code through} itself: every hour up to there is over for this task.
   * The wall clock moves it only to the end of the last open hour it closes: it never declares an
   * hour final that it holds no usage of, so a backlog reaching a task after a pause (at start, or
   * after an upstream outage) is billed into its hours by stream time, not turned into adjustments.
   */
  private void close(long through, boolean byStreamTime) {
    if (through <= closedThrough) {
      return;
    }
    List<KeyValue<String, UsageTotals>> closing = new ArrayList<>();
    if (earliestOpenStart != NONE && earliestOpenStart + HOUR_MS <= through) {
      // At most once per hour boundary: the scan is over the open hours only (a grace's worth).
      long stillOpen = NONE;
      try (KeyValueIterator<String, UsageTotals> all = open.all()) {
        while (all.hasNext()) {
          KeyValue<String, UsageTotals> hour = all.next();
          long start = HourlyUsages.windowStartOf(hour.key).toEpochMilli();
          if (start + HOUR_MS <= through) {
            closing.add(hour);
          } else {
            stillOpen = Math.min(stillOpen, start);
          }
        }
      }
      earliestOpenStart = stillOpen;
    }
    long watermark = byStreamTime ? through : closedThrough;
    for (KeyValue<String, UsageTotals> hour : closing) {
      watermark =
          Math.max(watermark, HourlyUsages.windowStartOf(hour.key).toEpochMilli() + HOUR_MS);
    }
    if (watermark > closedThrough) {
      closedThrough = watermark;
      closed.put(CLOSED_THROUGH, watermark);
    }
    for (KeyValue<String, UsageTotals> hour : closing) {
      forward(hour.key, hour.value, true);
      open.delete(hour.key);
      dirty.delete(hour.key);
    }
  }

  private static long hourFloor(long epochMillis) {
    return Math.floorDiv(epochMillis, HOUR_MS) * HOUR_MS;
  }

  /** The running totals of the open hours changed since the last emission. */
  private void emitChanged() {
    List<String> changed = new ArrayList<>();
    try (KeyValueIterator<String, Long> all = dirty.all()) {
      all.forEachRemaining(entry -> changed.add(entry.key));
    }
    for (String key : changed) {
      UsageTotals totals = open.get(key);
      if (totals != null) {
        forward(key, totals, false);
      }
      dirty.delete(key);
    }
  }

  private void forward(String key, UsageTotals totals, boolean isFinal) {
    HourlyUsage usage =
        HourlyUsages.usage(
            HourlyUsages.tenantOf(key), HourlyUsages.windowStartOf(key), totals, isFinal);
    context.forward(new Record<>(key, new HourlyOutput.Total(usage), totals.latestMs()));
  }

  private long earliestOpenStart() {
    long earliest = NONE;
    try (KeyValueIterator<String, UsageTotals> all = open.all()) {
      while (all.hasNext()) {
        earliest = Math.min(earliest, HourlyUsages.windowStartOf(all.next().key).toEpochMilli());
      }
    }
    return earliest;
  }
}
