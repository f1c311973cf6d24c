package dev.signet.billing;

import dev.signet.core.message.PeriodTotal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Adds each usage event to its tenant's running totals of the UTC calendar month of the record's
 * timestamp, one total per unit type, and publishes the totals it changed once per {@code interval}
 * of wall-clock time (the commit interval), keyed by {@code tenant@YYYY-MM@type}.
 *
 * <p>The month comes from the record timestamp, which {@link ReceiptTimestampExtractor} set to the
 * receipt's signed {@code ts} and which the hourly windows use too, so a month's total is the sum
 * of its hours. Months have no grace: a receipt of a past month, however late, is added to that
 * month. A unit type whose increment is zero (no FU on the receipt) is neither stored nor
 * published: a missing total means zero, and the arithmetic is the same whatever FU is.
 *
 * <p><b>Batched.</b> A busy tenant changes its totals thousands of times a second; publishing each
 * change would put a record per receipt on the topic. Instead the keys changed since the last
 * publication are kept in the dirty store, and a wall-clock punctuation publishes each one's
 * current total once, with the signed {@code ts} of the last receipt that changed it as the record
 * timestamp. The dirty set is a store with a changelog, not a field: under {@code exactly_once_v2}
 * a total's change and its dirty mark commit together, so a crash between a commit and the next
 * punctuation still publishes the total after the restart.
 *
 * <p>Runs after the repartition by tenant, so each tenant's totals live in exactly one task. Usage
 * is counted in {@link BillingMeters#VEX_UNITS} and {@link BillingMeters#FU_TOKENS} here.
 */
final class SumUsagePerPeriod implements Processor<String, UsageEvent, String, PeriodTotal> {

  private final String storeName;
  private final String dirtyStoreName;
  private final Duration interval;
  private final BillingMeters meters;
  private ProcessorContext<String, PeriodTotal> context;
  private KeyValueStore<String, Long> totals;
  private KeyValueStore<String, Long> dirty;

  /**
   * @param storeName month totals, {@code tenant@YYYY-MM@type} → units
   * @param dirtyStoreName keys changed since the last publication → signed ts of the last change
   * @param interval how often changed totals are published, by wall clock
   */
  SumUsagePerPeriod(
      String storeName, String dirtyStoreName, Duration interval, BillingMeters meters) {
    this.storeName = Objects.requireNonNull(storeName, "storeName");
    this.dirtyStoreName = Objects.requireNonNull(dirtyStoreName, "dirtyStoreName");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.meters = Objects.requireNonNull(meters, "meters");
  }

  @Override
  public void init(ProcessorContext<String, PeriodTotal> context) {
    this.context = context;
    this.totals = context.getStateStore(storeName);
    this.dirty = context.getStateStore(dirtyStoreName);
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> publishChanged());
  }

  @Override
  public void process(Record<String, UsageEvent> record) {
    UsageEvent usage = record.value();
    if (usage == null) {
      return;
    }
    String period = period(record.timestamp());
    add(record.timestamp(), usage.tenant(), period, PeriodTotal.VEX, usage.vex());
    add(record.timestamp(), usage.tenant(), period, PeriodTotal.FU, usage.fuTokens());
    meters.usage(usage.tenant(), usage.vex(), usage.fuTokens());
  }

  private void add(long timestamp, String tenant, String period, String type, long units) {
    if (units == 0) {
      return;
    }
    String key = PeriodTotal.key(tenant, period, type);
    Long before = totals.get(key);
    // Exact: an overflow fails the task rather than wrapping a bill around.
    long after = Math.addExact(before == null ? 0 : before, units);
    totals.put(key, after);
    dirty.put(key, timestamp);
  }

  private void publishChanged() {
    List<KeyValue<String, Long>> changed = new ArrayList<>();
    try (KeyValueIterator<String, Long> all = dirty.all()) {
      all.forEachRemaining(changed::add);
    }
    String updatedAt = Instant.ofEpochMilli(context.currentSystemTimeMs()).toString();
    for (KeyValue<String, Long> entry : changed) {
      PeriodKey key = PeriodKey.parse(entry.key);
      Long units = totals.get(entry.key);
      if (units != null) {
        context.forward(
            new Record<>(
                entry.key,
                new PeriodTotal(key.tenant(), key.period(), key.type(), units, updatedAt),
                entry.value));
      }
      dirty.delete(entry.key);
    }
  }

  /** The UTC calendar month of an epoch-millisecond time, {@code YYYY-MM}. */
  static String period(long epochMillis) {
    return YearMonth.from(Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC)).toString();
  }
}
