package dev.signet.billing;

import dev.signet.core.billing.reserved.TenantReservation;
import dev.signet.core.message.OverageCharge;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.ReservedConfigChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges each tenant's monthly overage as it grows: every {@code interval} of wall-clock time, and
 * at once when a change of the tenant's reserved capacity arrives, each month total that grew since
 * its last charge is priced from where it was charged through to where it is now ({@link
 * OverageCharges}), and charged-through advances to the total.
 *
 * <ul>
 *   <li>In: the tenant-keyed {@link TenantEvent}s after the repartition: usage marks its month and
 *       type as pending (with the signed time span of the usage, a charge's {@code window}); a
 *       reserved-config change first charges the tenant's pending usage with the config it accrued
 *       under, then puts the change in force.
 *   <li>Reads the month totals of {@link SumUsagePerPeriod} (same task, same store).
 *   <li>Stores: the config in force per tenant, charged-through and pending span per {@code
 *       tenant@YYYY-MM@type}.
 *   <li>Out: {@link OverageCharge} records keyed by tenant.
 * </ul>
 *
 * <p><b>Rules.</b> Charged-through only grows, and every increment is priced by {@code
 * TierPricing.increment}, so while one config is in force a month's charges add up to the tier
 * formula on its total. A config change applies from the next usage on: the charges of a month then
 * add up to the old config's increments up to the change plus the new config's increments after it.
 * Usage while a tenant has no reservation (never had one, or it was removed) is settled without a
 * charge: charged-through moves to the total, so when a reservation arrives mid-month, charging
 * starts from the month's total at that moment and earlier usage is never billed as overage
 * retroactively. Late usage of a past month is charged with the config in force when it is charged.
 *
 * <p><b>Guarantee.</b> Under {@code exactly_once_v2} the charges and the advanced charged-through
 * commit together: a crash re-charges nothing that was committed, and a charge that did not commit
 * is computed again from the restored state (possibly as a different increment, with a different
 * id, but never for the same units twice).
 */
final class ChargeOverage implements Processor<String, TenantEvent, String, OverageCharge> {

  private static final Logger log = LoggerFactory.getLogger(ChargeOverage.class);
  private static final StringSerializer KEYS = new StringSerializer();

  /** Store names this processor needs, all in its task. */
  record Stores(String totals, String configs, String chargedThrough, String pending) {}

  private final Stores stores;
  private final Duration interval;
  private final StripeNames names;
  private final BillingMeters meters;
  private final Map<String, Parsed> parsed = new HashMap<>();
  private ProcessorContext<String, OverageCharge> context;
  private KeyValueStore<String, Long> totals;
  private KeyValueStore<String, ReservedConfigChange> configs;
  private KeyValueStore<String, Long> chargedThrough;
  private KeyValueStore<String, UsageSpan> pending;

  /** A stored change read once per task: reading it again at every charge would be wasteful. */
  private record Parsed(ReservedConfigChange change, Optional<TenantReservation> reservation) {}

  ChargeOverage(Stores stores, Duration interval, StripeNames names, BillingMeters meters) {
    this.stores = Objects.requireNonNull(stores, "stores");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.names = Objects.requireNonNull(names, "names");
    this.meters = Objects.requireNonNull(meters, "meters");
  }

  @Override
  public void init(ProcessorContext<String, OverageCharge> context) {
    this.context = context;
    this.totals = context.getStateStore(stores.totals());
    this.configs = context.getStateStore(stores.configs());
    this.chargedThrough = context.getStateStore(stores.chargedThrough());
    this.pending = context.getStateStore(stores.pending());
    // The stores are restored before init: the gauges show the config in force at once.
    try (KeyValueIterator<String, ReservedConfigChange> all = configs.all()) {
      all.forEachRemaining(entry -> meters.reserved(entry.key, reservation(entry.key)));
    }
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> chargeAllPending());
  }

  @Override
  public void process(Record<String, TenantEvent> record) {
    TenantEvent event = record.value();
    if (event instanceof UsageEvent usage) {
      markPending(usage, record.timestamp());
    } else if (event instanceof ReservedConfigEvent change) {
      apply(change);
    }
  }

  private void markPending(UsageEvent usage, long timestamp) {
    String period = SumUsagePerPeriod.period(timestamp);
    if (usage.vex() > 0) {
      markPending(PeriodTotal.key(usage.tenant(), period, PeriodTotal.VEX), timestamp);
    }
    if (usage.fuTokens() > 0) {
      markPending(PeriodTotal.key(usage.tenant(), period, PeriodTotal.FU), timestamp);
    }
  }

  private void markPending(String key, long timestamp) {
    UsageSpan span = pending.get(key);
    pending.put(key, span == null ? UsageSpan.at(timestamp) : span.with(timestamp));
  }

  private void apply(ReservedConfigEvent event) {
    String tenant = event.tenant();
    ReservedConfigs.Outcome outcome = ReservedConfigs.read(tenant, event.change());
    if (outcome instanceof ReservedConfigs.Ignore ignore) {
      meters.invalidConfig();
      log.error(
          "Ignoring reserved-config record of tenant {} (version {}); its config in force stays: {}",
          tenant,
          event.change().version(),
          ignore.reason());
      return;
    }
    Optional<TenantReservation> next = ((ReservedConfigs.Apply) outcome).reservation();
    Optional<TenantReservation> before = reservation(tenant);
    // Usage that accrued under the old config is charged with it before the new one applies.
    chargePendingOf(tenant, before);
    if (before.isEmpty() && next.isPresent()) {
      settleAllOf(tenant);
    }
    if (next.isPresent()) {
      configs.put(tenant, event.change());
      parsed.put(tenant, new Parsed(event.change(), next));
    } else {
      configs.delete(tenant);
      parsed.remove(tenant);
    }
    meters.reserved(tenant, next);
    log.info(
        "Reserved capacity of tenant {} is now {}",
        tenant,
        next.isPresent() ? "version " + event.change().version() : "none");
  }

  private void chargeAllPending() {
    List<KeyValue<String, UsageSpan>> due = new ArrayList<>();
    try (KeyValueIterator<String, UsageSpan> all = pending.all()) {
      all.forEachRemaining(due::add);
    }
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    for (KeyValue<String, UsageSpan> entry : due) {
      PeriodKey key = PeriodKey.parse(entry.key);
      charge(key, entry.value, reservation(key.tenant()), now);
    }
  }

  private void chargePendingOf(String tenant, Optional<TenantReservation> reservation) {
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    for (KeyValue<String, UsageSpan> entry : keysOf(pending, tenant)) {
      charge(PeriodKey.parse(entry.key), entry.value, reservation, now);
    }
  }

  /**
   * A reservation starts from the totals as they are: move every month's charged-through of the
   * tenant to its total, so usage from before the tenant had a reservation is never charged.
   */
  private void settleAllOf(String tenant) {
    for (KeyValue<String, Long> entry : keysOf(totals, tenant)) {
      Long through = chargedThrough.get(entry.key);
      if (through == null || through < entry.value) {
        chargedThrough.put(entry.key, entry.value);
      }
    }
  }

  private void charge(
      PeriodKey key, UsageSpan span, Optional<TenantReservation> reservation, Instant now) {
    String id = key.key();
    Long stored = totals.get(id);
    long total = stored == null ? 0 : stored;
    Long through = chargedThrough.get(id);
    long from = through == null ? 0 : through;
    if (total > from) {
      if (reservation.isPresent()) {
        for (OverageCharge charge :
            OverageCharges.of(reservation.get(), key, from, total, span, names, now)) {
          context.forward(new Record<>(key.tenant(), charge, now.toEpochMilli()));
          meters.overage(key.tenant(), key.unitType(), charge.band(), charge.units());
        }
      }
      chargedThrough.put(id, total);
    }
    pending.delete(id);
  }

  /** Entries of {@code store} whose key is {@code tenant@…@…} of exactly this tenant. */
  private static <V> List<KeyValue<String, V>> keysOf(
      KeyValueStore<String, V> store, String tenant) {
    List<KeyValue<String, V>> found = new ArrayList<>();
    try (KeyValueIterator<String, V> range = store.prefixScan(PeriodKey.prefixOf(tenant), KEYS)) {
      range.forEachRemaining(
          entry -> {
            // A tenant "a@b" shares the prefix "a@" with tenant "a".
            if (PeriodKey.parse(entry.key).tenant().equals(tenant)) {
              found.add(entry);
            }
          });
    }
    return found;
  }

  private Optional<TenantReservation> reservation(String tenant) {
    ReservedConfigChange change = configs.get(tenant);
    if (change == null) {
      return Optional.empty();
    }
    Parsed cached = parsed.get(tenant);
    if (cached != null && cached.change().equals(change)) {
      return cached.reservation();
    }
    Optional<TenantReservation> reservation = ReservedConfigs.reservation(tenant, change);
    parsed.put(tenant, new Parsed(change, reservation));
    return reservation;
  }
}
