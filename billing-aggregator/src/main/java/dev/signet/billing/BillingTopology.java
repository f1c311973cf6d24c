package dev.signet.billing;

import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.crypto.RecordMac;
import dev.signet.core.crypto.RepairMacs;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.message.FuCharge;
import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.OverageCharge;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.ReservedConfigChange;
import dev.signet.core.message.UsageAdjustment;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.tenant.ApiKeyTable;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.topic.JsonSerde;
import dev.signet.core.topic.MacStampingSerializer;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hourly usage, monthly period totals and overage charges per tenant, derived from the receipts
 * themselves: one receipt is one VEx, plus its {@code fu_tokens} as FU, so a VEx is billed exactly
 * when a receipt exists.
 *
 * <ul>
 *   <li>In: {@link Topics#RECEIPTS} (key: trace id), read as bytes: a record is billed only if its
 *       {@code x-signet-receipt-mac} header is the processor's MAC of exactly those bytes (see
 *       {@link ReceiptOrigin}); any other record is dropped before the repartition, logged and
 *       counted in {@code signet_billing_receipts_rejected_total{reason}}.
 *   <li>In: {@link Topics#BILLING_RESERVED_CONFIG} (key: tenant, value {@link
 *       ReservedConfigChange}; a tombstone removes): merged with the usage before the repartition.
 *   <li>Internal: repartition topic {@code <application.id>-usage-by-tenant-repartition} (key:
 *       tenant, value: {@link TenantEvent}: usage or a config change, JSON with {@code kind}; old
 *       records without it are usage); the stores of {@link SumUsagePerHour} (open hours, emission
 *       backlog, closed-through watermark); key-value stores {@value #PERIOD_TOTALS_STORE}, {@value
 *       #PERIOD_TOTALS_DIRTY_STORE}, {@value #RESERVED_CONFIG_STORE}, {@value
 *       #OVERAGE_CHARGED_STORE}, {@value #OVERAGE_PENDING_STORE}; their changelogs.
 *   <li>Out: {@link Topics#BILLING_USAGE_HOURLY}, key {@code tenant@windowStart} (for example
 *       {@code acme@2025-01-27T12:00:00Z}), value {@link HourlyUsage}: the hour's running total,
 *       then once its final total ({@code final=true}).
 *   <li>Out: {@link Topics#BILLING_USAGE_ADJUSTMENTS}, key {@code tenant@windowStart}, value {@link
 *       UsageAdjustment}: usage of an hour that was already final, one record per late usage event,
 *       counted in {@code signet_billing_late_usage_total}.
 *   <li>Out: {@link Topics#BILLING_PERIOD_TOTALS}, key {@code tenant@YYYY-MM@type} (for example
 *       {@code acme@2025-01@vex}), value {@link PeriodTotal}: the UTC calendar month's running
 *       total of one unit type, published once per commit interval for each key that changed (see
 *       {@link SumUsagePerPeriod}).
 *   <li>Out: {@link Topics#BILLING_OVERAGE}, key tenant, value {@link OverageCharge}: one per band
 *       an increment of a month's overage reaches, every charge interval and on each config change
 *       (see {@link ChargeOverage}).
 * </ul>
 *
 * <p><b>Config in order with usage.</b> A reserved-config change travels through the same
 * repartition topic as the usage, keyed by tenant, so it reaches the tenant's task after the usage
 * repartitioned before it and before the usage after it; it applies from the next usage on. The
 * hourly and period sums read the usage only.
 *
 * <p><b>Running totals; adjustments and charges add.</b> The hours and months changed since the
 * last emission are emitted once per emit interval (the commit interval), each record carrying the
 * total so far; both topics are compacted and consumers must treat a record as "replace", never
 * "add". Adjustments, in contrast, <em>add</em>: an hour's usage is its final hourly record plus
 * the adjustments of its key (deduplicated by id). Overage charges are increments too: a month's
 * bill is the sum of its charges.
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
 * receipt or a config change, updating the stores and writing hourly totals, adjustments, period
 * totals and charges commit atomically, so a crash or restart bills no receipt twice, loses none,
 * closes no hour twice and charges no unit twice. Punctuations (hourly and period totals, charges)
 * write in the transaction of the next commit with the store changes they make.
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
  static final String PERIOD_TOTALS_DIRTY_STORE = "period-totals-dirty-store";
  static final String RESERVED_CONFIG_STORE = "reserved-config-store";
  static final String OVERAGE_CHARGED_STORE = "overage-charged-through-store";
  static final String OVERAGE_PENDING_STORE = "overage-pending-store";

  static final Serde<TenantEvent> TENANT_EVENT_SERDE = JsonSerde.of(TenantEvent.class);

  private static final Logger log = LoggerFactory.getLogger(BillingTopology.class);

  private final Duration grace;
  private final Duration emitInterval;
  private final Duration chargeInterval;
  private final StripeNames stripeNames;
  private final ReceiptOrigin origin;
  private final BillingMacs macs;
  private final RecordMac fuChargeMac;
  private final MeterRegistry registry;
  private final BillingMeters meters;

  /**
   * With the defaults of {@link BillingConfig}: totals emitted every second, charges every minute,
   * no Stripe names.
   *
   * @param secret the deployment's server secret: checks the processor's receipt MAC and the
   *     reserved-config MAC, and stamps the MAC of period totals and charges
   * @param registry where refused records are counted
   */
  public BillingTopology(Duration grace, ServerSecret secret, MeterRegistry registry) {
    this(
        grace,
        BillingConfig.DEFAULT_COMMIT_INTERVAL,
        BillingConfig.DEFAULT_CHARGE_INTERVAL,
        ApiKeyTable.fixed(ApiKeys.parse(null)),
        secret,
        registry);
  }

  /**
   * @param grace lateness accepted after an hour ends before it is final
   * @param emitInterval how often changed hourly and period totals are emitted and idle hours are
   *     closed by wall clock: the commit interval, so that each commit carries one batch
   * @param chargeInterval how often overage is charged ({@code SP_BILLING_CHARGE_INTERVAL})
   * @param apiKeys the tenants' Stripe customers and default meter names, as in force when a charge
   *     is made
   * @param secret the deployment's server secret: checks the processor's receipt MAC and the
   *     reserved-config MAC, and stamps the MAC of period totals and charges
   * @param registry where refused records, late usage, usage, overage and reservations are measured
   */
  public BillingTopology(
      Duration grace,
      Duration emitInterval,
      Duration chargeInterval,
      ApiKeyTable apiKeys,
      ServerSecret secret,
      MeterRegistry registry) {
    Objects.requireNonNull(grace, "grace");
    this.origin = new ReceiptOrigin(new ReceiptMac(secret));
    this.macs = BillingMacs.of(secret);
    this.fuChargeMac = RepairMacs.of(secret).fuCharge();
    this.registry = Objects.requireNonNull(registry, "registry");
    this.meters = new BillingMeters(registry);
    this.stripeNames = new StripeNames(Objects.requireNonNull(apiKeys, "apiKeys"));
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, got " + grace);
    }
    this.grace = grace;
    this.emitInterval = positive(emitInterval, "emitInterval");
    this.chargeInterval = positive(chargeInterval, "chargeInterval");
  }

  public Topology build() {
    Topic<String, Receipt> receipts = Topics.RECEIPTS;
    Topic<String, ReservedConfigChange> reserved = Topics.BILLING_RESERVED_CONFIG;
    Topic<String, HourlyUsage> hourly = Topics.BILLING_USAGE_HOURLY;
    Topic<String, PeriodTotal> periods = Topics.BILLING_PERIOD_TOTALS;
    Topic<String, OverageCharge> overage = Topics.BILLING_OVERAGE;
    StreamsBuilder builder = new StreamsBuilder();

    builder.addStateStore(DeduplicateReceipts.store(DeduplicateReceipts.DEFAULT_RETENTION));
    KStream<String, TenantEvent> configChanges =
        builder.stream(
                reserved.name(),
                // Bytes: the MAC is over the value exactly as published.
                Consumed.with(reserved.keySerde(), Serdes.ByteArray())
                    .withName("read-reserved-config"))
            .processValues(
                () -> AuthenticateMacRecords.reservedConfig(macs.reservedConfig(), registry),
                Named.as("authenticate-reserved-config"))
            .flatMapValues(BillingTopology::configEvent, Named.as("reserved-config-to-event"));

    // FU the model spent on exchanges that were then rejected: billed like a receipt's fu_tokens,
    // but without a VEx, and deduplicated by its repair id.
    KStream<String, TenantEvent> rejectedRepairFu =
        builder.stream(
                Topics.EXCHANGE_FU_CHARGES.name(),
                Consumed.with(Serdes.String(), Serdes.ByteArray())
                    .withTimestampExtractor(new ReceiptTimestampExtractor())
                    .withName("read-fu-charges"))
            .processValues(
                () -> AuthenticateMacRecords.fuCharges(fuChargeMac, registry),
                Named.as("authenticate-fu-charges"))
            .flatMapValues(BillingTopology::fuChargeUsage, Named.as("fu-charge-to-usage"));

    KStream<String, TenantEvent> eventsByTenant =
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
            .<TenantEvent>flatMapValues(ReceiptUsage::of, Named.as("receipt-to-usage"))
            // Config changes join the usage before the repartition, so that a change reaches the
            // tenant's task through the same partition as the usage around it, in order.
            .merge(configChanges, Named.as("merge-usage-and-config"))
            .merge(rejectedRepairFu, Named.as("merge-rejected-repair-fu"))
            .selectKey((key, event) -> event.tenant(), Named.as("key-by-tenant"))
            // Explicit, so that the hourly and the period sums share this one repartition topic;
            // its name is the one the former groupByKey(Grouped.with(USAGE_BY_TENANT, ...)) made.
            .repartition(
                Repartitioned.<String, TenantEvent>as(USAGE_BY_TENANT)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(TENANT_EVENT_SERDE))
            // After the repartition: every copy of a receipt reaches its tenant's task.
            .processValues(
                () -> new DeduplicateReceipts(DeduplicateReceipts.DEFAULT_RETENTION, registry),
                Named.as("deduplicate-receipts"),
                DeduplicateReceipts.STORE);

    KStream<String, UsageEvent> usageByTenant =
        eventsByTenant.flatMapValues(TenantEvent::usageOnly, Named.as("usage-only"));

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

    builder.addStateStore(keyValueStore(PERIOD_TOTALS_STORE, Serdes.Long()));
    builder.addStateStore(keyValueStore(PERIOD_TOTALS_DIRTY_STORE, Serdes.Long()));
    usageByTenant
        .process(
            () ->
                new SumUsagePerPeriod(
                    PERIOD_TOTALS_STORE, PERIOD_TOTALS_DIRTY_STORE, emitInterval, meters),
            Named.as("sum-usage-per-period"),
            PERIOD_TOTALS_STORE,
            PERIOD_TOTALS_DIRTY_STORE)
        .to(
            periods.name(),
            Produced.with(
                    periods.keySerde(),
                    Serdes.serdeFrom(
                        new MacStampingSerializer<>(
                            periods.valueSerde().serializer(), macs.periodTotals()),
                        periods.valueSerde().deserializer()))
                .withName("write-period-totals"));

    builder.addStateStore(keyValueStore(RESERVED_CONFIG_STORE, reserved.valueSerde()));
    builder.addStateStore(keyValueStore(OVERAGE_CHARGED_STORE, Serdes.Long()));
    builder.addStateStore(keyValueStore(OVERAGE_PENDING_STORE, UsageSpan.SERDE));
    ChargeOverage.Stores chargeStores =
        new ChargeOverage.Stores(
            PERIOD_TOTALS_STORE,
            RESERVED_CONFIG_STORE,
            OVERAGE_CHARGED_STORE,
            OVERAGE_PENDING_STORE);
    eventsByTenant
        .process(
            () -> new ChargeOverage(chargeStores, chargeInterval, stripeNames, meters),
            Named.as("charge-overage"),
            PERIOD_TOTALS_STORE,
            RESERVED_CONFIG_STORE,
            OVERAGE_CHARGED_STORE,
            OVERAGE_PENDING_STORE)
        .to(
            overage.name(),
            Produced.with(
                    overage.keySerde(),
                    Serdes.serdeFrom(
                        new MacStampingSerializer<>(
                            overage.valueSerde().serializer(), macs.overage()),
                        overage.valueSerde().deserializer()))
                .withName("write-overage"));

    return builder.build();
  }

  /** A config record as an event of its tenant; a record without a key has no tenant to go to. */
  static List<TenantEvent> configEvent(String tenant, ReservedConfigChange change) {
    if (tenant == null || tenant.isBlank()) {
      log.error("Ignoring a reserved-config record without a tenant key: {}", change);
      return List.of();
    }
    return List.of(new ReservedConfigEvent(tenant, change));
  }

  /**
   * The usage of an FU charge: its tokens and no VEx, at its {@code ts}, under a trace name of its
   * own ({@code fu-charge:<repair id>}, hop 1) so that a replayed charge is billed once and never
   * collides with a receipt's hop.
   */
  static List<TenantEvent> fuChargeUsage(FuCharge charge) {
    try {
      return List.of(
          new UsageEvent(
              charge.tenant(),
              "fu-charge:" + charge.repairId(),
              1,
              0,
              charge.fuTokens(),
              Instant.parse(charge.ts()).toEpochMilli()));
    } catch (DateTimeException e) {
      log.error("Ignoring FU charge {} with an unreadable ts: {}", charge.repairId(), charge.ts());
      return List.of();
    }
  }

  /**
   * A persistent store with a record cache: a key written many times between two commits reaches
   * the changelog once.
   */
  private static <V> StoreBuilder<KeyValueStore<String, V>> keyValueStore(
      String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(name), Serdes.String(), values)
        .withCachingEnabled();
  }

  private static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }
}
