package dev.signet.billing;

import dev.signet.core.message.PeriodTotal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Adds each usage event to its tenant's running totals of the UTC calendar month of the record's
 * timestamp, one total per unit type, and forwards each total it changes keyed by {@code
 * tenant@YYYY-MM@type}.
 *
 * <p>The month comes from the record timestamp, which {@link ReceiptTimestampExtractor} set to the
 * receipt's signed {@code ts} and which the hourly windows use too, so a month's total is the sum
 * of its hours. Months have no grace: a receipt of a past month, however late, is added to that
 * month. A unit type whose increment is zero (no FU on the receipt) is neither stored nor
 * forwarded: a missing total means zero, and the arithmetic is the same whatever FU is.
 *
 * <p>Runs after the repartition by tenant, so each tenant's totals live in exactly one task; under
 * {@code exactly_once_v2} the store update and the forwarded total commit with the read offset.
 */
final class SumUsagePerPeriod implements Processor<String, UsageEvent, String, PeriodTotal> {

  private final String storeName;
  private ProcessorContext<String, PeriodTotal> context;
  private KeyValueStore<String, Long> totals;

  SumUsagePerPeriod(String storeName) {
    this.storeName = storeName;
  }

  @Override
  public void init(ProcessorContext<String, PeriodTotal> context) {
    this.context = context;
    this.totals = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, UsageEvent> record) {
    UsageEvent usage = record.value();
    if (usage == null) {
      return;
    }
    String period = period(record.timestamp());
    add(record, usage.tenant(), period, PeriodTotal.VEX, usage.vex());
    add(record, usage.tenant(), period, PeriodTotal.FU, usage.fuTokens());
  }

  private void add(
      Record<String, UsageEvent> record, String tenant, String period, String type, long units) {
    if (units == 0) {
      return;
    }
    String key = PeriodTotal.key(tenant, period, type);
    Long before = totals.get(key);
    // Exact: an overflow fails the task rather than wrapping a bill around.
    long after = Math.addExact(before == null ? 0 : before, units);
    totals.put(key, after);
    String updatedAt = Instant.ofEpochMilli(context.currentSystemTimeMs()).toString();
    context.forward(
        record.withKey(key).withValue(new PeriodTotal(tenant, period, type, after, updatedAt)));
  }

  /** The UTC calendar month of an epoch-millisecond time, {@code YYYY-MM}. */
  static String period(long epochMillis) {
    return YearMonth.from(Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC)).toString();
  }
}
