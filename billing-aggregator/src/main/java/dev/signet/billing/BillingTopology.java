package dev.signet.billing;

import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.UsageAdjustment;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.topic.JsonSerde;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Hourly usage and monthly period totals per tenant, derived from the receipts themselves: one
 * receipt is one VEx, plus its {@code fu_tokens} as FU, so a VEx is billed exactly when a receipt
 * exists.
 *
 * <ul>
 *   <li>In: {@link Topics#RECEIPTS} (key: trace id), read as bytes: a record is billed only if its
 *       {@code x-signet-receipt-mac} header is the processor's MAC of exactly those bytes (see
 *       {@link ReceiptOrigin}); any other record is dropped before the repartition, logged and
 *       counted in {@code signet_billing_receipts_rejected_total{reason}}.
 *   <li>Internal: repartition topic {@code <application.id>-usage-by-tenant-repartition} (key:
 *       tenant, value: {@link UsageEvent}), shared by both sums below; the stores of {@link
 *       SumUsagePerHour} (open hours, emission backlog, closed-through watermark) and {@value
 *       #PERIOD_TOTALS_STORE}, and their changelogs.
 *   <li>Out: {@link Topics#BILLING_USAGE_HOURLY}, key {@code tenant@windowStart} (for example
 *       {@code acme@2025-01-27T12:00:00Z}), value {@link HourlyUsage}: the hour's running total,
 *       then once its final total ({@code final=true}).
 *   <li>Out: {@link Topics#BILLING_USAGE_ADJUSTMENTS}, key {@code tenant@windowStart}, value {@link
 *       UsageAdjustment}: usage of an hour that was already final, one record per late usage event,
 *       counted in {@code signet_billing_late_usage_total}.
 *   <li>Out: {@link Topics#BILLING_PERIOD_TOTALS}, key {@code tenant@YYYY-MM@type} (for example
 *       {@code acme@2025-01@vex}), value {@link PeriodTotal}: the UTC calendar month's running
 *       total of one unit type (see {@link SumUsagePerPeriod}).
 * </ul>
 *
 * <p><b>Running totals.</b> The hours changed since the last emission are emitted once per emit
 * interval (the commit interval), each record carrying the hour's total so far; the topic is
 * compacted and consumers must treat a record as "replace", never "add". Period totals are emitted
 * on every change and are running totals too. Adjustments, in contrast, <em>add</em>: an hour's
 * usage is its final hourly record plus the adjustments of its key (deduplicated by id).
 *
 * <p><b>Finality.</b> An hour {@code [start, end)} is final once the task's stream time reaches
 * {@code end + grace}, or, when the task has seen no record for at least the grace, once its wall
 * clock does (so a quiet tenant's hours close too, while a catch-up that keeps records flowing is
 * governed by stream time). The final record is the last record of its key on the hourly topic.
 *
 * <p><b>Time.</b> A receipt is billed to the UTC hour of its signed {@code ts}, not of the moment
 * it was produced (see {@link ReceiptTimestampExtractor}), so the hour on the bill is the hour
 * printed on the receipt, and a replay of old receipts bills the hours they happened in. A receipt
 * arriving after its hour is final is never dropped: it becomes an adjustment of that hour. Months
 * have no grace: a late receipt still adds to its month's period total, however late it is.
 *
 * <p><b>Guarantee.</b> Run under {@code exactly_once_v2} (see {@link BillingConfig}): reading a
 * receipt, updating the stores and writing the hourly totals, adjustments and period totals commit
 * atomically, so a crash or restart bills no receipt twice, loses none, and closes no hour twice.
 */
public final class BillingTopology {

  /**
   * Lateness accepted after an hour ends before the hour is final ({@code SP_BILLING_GRACE}). Short
   * on purpose: nothing is dropped any more (usage of a closed hour becomes an explicit
   * adjustment), so the grace only trades how soon finance sees a final hour against how many
   * adjustments out-of-order receipts cause. Ten minutes covers the usual skew between the
   * repartitioned receipts of several upstream tasks; a catch-up after an outage is governed by
   * stream time, so it bills its backlog into its hours, not into adjustments.
   */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);

  static final Duration HOUR = Duration.ofHours(1);
  static final String USAGE_BY_TENANT = "usage-by-tenant";
  static final String PERIOD_TOTALS_STORE = "period-totals-store";

  private static final Serde<UsageEvent> USAGE_EVENT_SERDE = JsonSerde.of(UsageEvent.class);

  private final Duration grace;
  private final Duration emitInterval;
  private final ReceiptOrigin origin;
  private final MeterRegistry registry;

  /**
   * As the 4-argument constructor, emitting every {@link BillingConfig#DEFAULT_COMMIT_INTERVAL}.
   */
  public BillingTopology(Duration grace, ReceiptMac mac, MeterRegistry registry) {
    this(grace, BillingConfig.DEFAULT_COMMIT_INTERVAL, mac, registry);
  }

  /**
   * @param grace lateness accepted after an hour ends before it is final
   * @param emitInterval how often running hourly totals are emitted and idle hours are closed by
   *     wall clock: the commit interval, so that each commit carries one batch
   * @param mac the processor's receipt MAC, from the deployment's server secret
   * @param registry where refused records and late usage are counted
   */
  public BillingTopology(
      Duration grace, Duration emitInterval, ReceiptMac mac, MeterRegistry registry) {
    Objects.requireNonNull(grace, "grace");
    Objects.requireNonNull(emitInterval, "emitInterval");
    this.origin = new ReceiptOrigin(mac);
    this.registry = Objects.requireNonNull(registry, "registry");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, got " + grace);
    }
    if (emitInterval.isNegative() || emitInterval.isZero()) {
      throw new IllegalArgumentException("emitInterval must be positive, got " + emitInterval);
    }
    this.grace = grace;
    this.emitInterval = emitInterval;
  }

  public Topology build() {
    Topic<String, Receipt> receipts = Topics.RECEIPTS;
    Topic<String, HourlyUsage> hourly = Topics.BILLING_USAGE_HOURLY;
    Topic<String, PeriodTotal> periods = Topics.BILLING_PERIOD_TOTALS;
    StreamsBuilder builder = new StreamsBuilder();

    KStream<String, UsageEvent> usageByTenant =
        builder.stream(
                receipts.name(),
                // The extractor is set on this source only: the repartition topic downstream
                // carries the extracted time as its record timestamp and is read with the default
                // extractor. Bytes, not the topic's receipt serde: the MAC is over the value
                // exactly as written.
                Consumed.with(receipts.keySerde(), Serdes.ByteArray())
                    .withTimestampExtractor(new ReceiptTimestampExtractor())
                    .withName("read-receipts"))
            .processValues(
                () -> new AuthenticateReceipts(origin, registry), Named.as("authenticate-receipts"))
            .flatMapValues(ReceiptUsage::of, Named.as("receipt-to-usage"))
            .selectKey((traceId, usage) -> usage.tenant(), Named.as("key-by-tenant"))
            // Explicit, so that the hourly and the period sums share this one repartition topic;
            // its name is the one the former groupByKey(Grouped.with(USAGE_BY_TENANT, ...)) made.
            .repartition(
                Repartitioned.<String, UsageEvent>as(USAGE_BY_TENANT)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(USAGE_EVENT_SERDE));

    // Hourly totals with finality; usage of a closed hour becomes an adjustment (SumUsagePerHour).
    Topic<String, UsageAdjustment> adjustments = Topics.BILLING_USAGE_ADJUSTMENTS;
    SumUsagePerHour.stores().forEach(builder::addStateStore);
    Counter lateUsage = registry.counter(SumUsagePerHour.LATE_USAGE_METRIC);
    usageByTenant
        .process(
            () -> new SumUsagePerHour(grace, emitInterval, lateUsage),
            Named.as("sum-usage-per-hour"),
            SumUsagePerHour.OPEN_STORE,
            SumUsagePerHour.DIRTY_STORE,
            SumUsagePerHour.CLOSED_STORE)
        .split(Named.as("hourly-"))
        .branch(
            (key, out) -> out instanceof HourlyOutput.Total,
            Branched.withConsumer(
                totals ->
                    totals
                        .mapValues(
                            out -> ((HourlyOutput.Total) out).usage(), Named.as("to-hourly-usage"))
                        .to(
                            hourly.name(),
                            Produced.with(hourly.keySerde(), hourly.valueSerde())
                                .withName("write-usage-hourly")),
                "totals"))
        .branch(
            (key, out) -> out instanceof HourlyOutput.Adjustment,
            Branched.withConsumer(
                late ->
                    late.mapValues(
                            out -> ((HourlyOutput.Adjustment) out).adjustment(),
                            Named.as("to-usage-adjustment"))
                        .to(
                            adjustments.name(),
                            Produced.with(adjustments.keySerde(), adjustments.valueSerde())
                                .withName("write-usage-adjustments")),
                "adjustments"));

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(PERIOD_TOTALS_STORE), Serdes.String(), Serdes.Long()));
    usageByTenant
        .process(
            () -> new SumUsagePerPeriod(PERIOD_TOTALS_STORE),
            Named.as("sum-usage-per-period"),
            PERIOD_TOTALS_STORE)
        .to(
            periods.name(),
            Produced.with(periods.keySerde(), periods.valueSerde())
                .withName("write-period-totals"));

    return builder.build();
  }
}
