package dev.signet.billing;

import dev.signet.core.billing.reserved.TenantReservation;
import dev.signet.core.billing.reserved.UnitType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Billing's usage, overage and reserved-capacity meters, shared by every stream task of the
 * topology (tasks run on several threads, hence the concurrent maps).
 *
 * <p>Counters count what a task processed, not what committed: after a crash the records since the
 * last commit are processed again and counted again. The topics are exact; these meters are for
 * dashboards and alerts, where a replay's overcount is acceptable.
 *
 * <ul>
 *   <li>{@value #VEX_UNITS} {@code {tenant}} and {@value #FU_TOKENS} {@code {tenant}}: usage added
 *       to a period total (Prometheus {@code signet_vex_units_total}, {@code
 *       signet_fu_tokens_total}).
 *   <li>{@value #OVERAGE_UNITS} {@code {tenant,type,band}}: units of emitted overage charges
 *       ({@code signet_overage_units_total}).
 *   <li>{@value #RESERVED_CAPACITY} {@code {tenant,type}}: the reserved units of the config in
 *       force in this instance's tasks ({@code signet_reserved_capacity}); removed with the
 *       reservation. A tenant whose task moved to another instance keeps its last value here until
 *       this instance restarts.
 *   <li>{@value #CONFIG_INVALID}: reserved-config records ignored because they do not read.
 * </ul>
 */
final class BillingMeters {

  static final String VEX_UNITS = "signet.vex.units";
  static final String FU_TOKENS = "signet.fu.tokens";
  static final String OVERAGE_UNITS = "signet.overage.units";
  static final String RESERVED_CAPACITY = "signet.reserved.capacity";
  static final String CONFIG_INVALID = "signet.billing.reserved.config.invalid";

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> capacities = new ConcurrentHashMap<>();
  private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

  BillingMeters(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  void usage(String tenant, long vex, long fuTokens) {
    if (vex > 0) {
      counter(VEX_UNITS, "tenant", tenant).increment(vex);
    }
    if (fuTokens > 0) {
      counter(FU_TOKENS, "tenant", tenant).increment(fuTokens);
    }
  }

  void overage(String tenant, UnitType type, int band, long units) {
    counter(OVERAGE_UNITS, "tenant", tenant, "type", type.wireName(), "band", String.valueOf(band))
        .increment(units);
  }

  void invalidConfig() {
    counter(CONFIG_INVALID).increment();
  }

  /** The reservation now in force for {@code tenant}; empty removes its gauges. */
  void reserved(String tenant, Optional<TenantReservation> reservation) {
    for (UnitType type : UnitType.values()) {
      String id = tenant + "\u0000" + type.wireName();
      if (reservation.isPresent()) {
        AtomicLong value =
            capacities.computeIfAbsent(
                id,
                unused -> {
                  AtomicLong holder = new AtomicLong();
                  gauges.put(
                      id,
                      Gauge.builder(RESERVED_CAPACITY, holder, AtomicLong::get)
                          .description("Units of the tenant's monthly reservation in force")
                          .tag("tenant", tenant)
                          .tag("type", type.wireName())
                          .register(registry));
                  return holder;
                });
        value.set(reservation.get().allowance(type).reserved());
      } else {
        capacities.remove(id);
        Gauge gauge = gauges.remove(id);
        if (gauge != null) {
          registry.remove(gauge);
        }
      }
    }
  }

  private Counter counter(String name, String... tags) {
    String id = name + "\u0000" + String.join("\u0000", tags);
    return counters.computeIfAbsent(
        id, unused -> Counter.builder(name).tags(tags).register(registry));
  }
}
