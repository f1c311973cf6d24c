package dev.signet.billing;

import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.topic.JsonSerde;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

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
 *       tenant, value: {@link UsageEvent}), shared by both sums below; window store {@value
 *       #USAGE_HOURLY_STORE}, key-value store {@value #PERIOD_TOTALS_STORE}, and their changelogs.
 *   <li>Out: {@link Topics#BILLING_USAGE_HOURLY}, key {@code tenant@windowStart} (for example
 *       {@code acme@2025-01-27T12:00:00Z}), value {@link HourlyUsage}.
 *   <li>Out: {@link Topics#BILLING_PERIOD_TOTALS}, key {@code tenant@YYYY-MM@type} (for example
 *       {@code acme@2025-01@vex}), value {@link PeriodTotal}: the UTC calendar month's running
 *       total of one unit type (see {@link SumUsagePerPeriod}).
 * </ul>
 *
 * <p><b>Running totals.</b> Every update of an hour's window is emitted (at most once per key per
 * commit, thanks to the record cache), so each record carries the hour's total so far. The output
 * topic is compacted: its latest value per key is the hour's total, final once stream time passes
 * the end of the hour plus the grace period. Period totals are emitted on every change (no record
 * cache in front of their store) and are running totals too. Consumers of both topics must treat a
 * record as "replace", never "add".
 *
 * <p><b>Time.</b> A receipt is billed to the UTC hour of its signed {@code ts}, not of the moment
 * it was produced (see {@link ReceiptTimestampExtractor}), so the hour on the bill is the hour
 * printed on the receipt, and a replay of old receipts bills the hours they happened in. A receipt
 * arriving after its hour closed (end + grace, by stream time) is dropped by Kafka Streams and
 * counted in its {@code dropped-records} metric. Months have no grace: a late receipt still adds to
 * its month's period total, however late it is.
 *
 * <p><b>Guarantee.</b> Run under {@code exactly_once_v2} (see {@link BillingConfig}): reading a
 * receipt, updating both stores and writing the hourly and period totals commit atomically, so a
 * crash or restart bills no receipt twice and loses none.
 */
public final class BillingTopology {

  /**
   * Lateness accepted after an hour ends. Generous on purpose: when billing catches up after an
   * outage, the repartitioned receipts of several upstream tasks arrive out of time order, and a
   * short grace would drop (never bill) the older ones. Totals are emitted as running totals, so a
   * long grace delays nothing; it only keeps a week of hourly windows per tenant in the store.
   */
  public static final Duration DEFAULT_GRACE = Duration.ofDays(7);

  static final Duration HOUR = Duration.ofHours(1);
  static final String USAGE_BY_TENANT = "usage-by-tenant";
  static final String USAGE_HOURLY_STORE = "usage-hourly-store";
  static final String PERIOD_TOTALS_STORE = "period-totals-store";

  private static final Serde<UsageEvent> USAGE_EVENT_SERDE = JsonSerde.of(UsageEvent.class);

  private final Duration grace;
  private final ReceiptOrigin origin;
  private final MeterRegistry registry;

  /**
   * @param mac the processor's receipt MAC, from the deployment's server secret
   * @param registry where refused records are counted
   */
  public BillingTopology(Duration grace, ReceiptMac mac, MeterRegistry registry) {
    Objects.requireNonNull(grace, "grace");
    this.origin = new ReceiptOrigin(mac);
    this.registry = Objects.requireNonNull(registry, "registry");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, got " + grace);
    }
    this.grace = grace;
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

    usageByTenant
        .groupByKey(Grouped.with(Serdes.String(), USAGE_EVENT_SERDE))
        .windowedBy(TimeWindows.ofSizeAndGrace(HOUR, grace))
        .aggregate(
            () -> UsageTotals.ZERO,
            (tenant, usage, totals) -> totals.plus(usage),
            Named.as("sum-usage-per-hour"),
            Materialized.<String, UsageTotals, WindowStore<Bytes, byte[]>>as(USAGE_HOURLY_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(UsageTotals.SERDE))
        .toStream(Named.as("hourly-totals"))
        .map(HourlyUsages::toRecord, Named.as("to-hourly-usage"))
        .to(
            hourly.name(),
            Produced.with(hourly.keySerde(), hourly.valueSerde()).withName("write-usage-hourly"));

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
