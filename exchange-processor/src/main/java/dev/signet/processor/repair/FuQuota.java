package dev.signet.processor.repair;

import dev.signet.core.message.PeriodTotal;
import dev.signet.core.tenant.Tenant;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The monthly FU quota ({@code fu_monthly_limit}), checked before each model call. Used = billing's
 * FU period total for the tenant and UTC month (a global store fed by the MAC'd period-totals
 * topic) + this task's reservations in flight + what this task settled within the settle window
 * (billing's total may not include it yet). A call is granted when used + its estimate stays within
 * the limit; its estimate is reserved until the outcome settles it with the real count.
 *
 * <p>Overshoot: other tasks' reservations are not seen, and tokens they settled reach the total
 * only with billing's lag. A tenant can therefore exceed its limit by at most the estimates in
 * flight on other tasks plus what those tasks settled in the last moment (billing's period-total
 * lag, p99 well under the window). Within the window this task's own settled tokens may be counted
 * twice, so a tenant at its limit may be refused up to one window early; never later.
 */
public final class FuQuota {

  /** A granted call, reserved in {@code period}; or a refusal with the numbers to show. */
  public sealed interface Check {}

  public record Granted(String period) implements Check {}

  public record Exceeded(long used, long limit, Instant resetsAt) implements Check {}

  private final ReadOnlyKeyValueStore<String, PeriodTotal> totals;
  private final KeyValueStore<String, FuLedger> ledgers;
  private final long settleWindowMs;

  public FuQuota(
      ReadOnlyKeyValueStore<String, PeriodTotal> totals,
      KeyValueStore<String, FuLedger> ledgers,
      long settleWindowMs) {
    this.totals = totals;
    this.ledgers = ledgers;
    this.settleWindowMs = settleWindowMs;
  }

  /** Whether a call estimated at {@code estimate} tokens fits; reads only. */
  public Check check(Tenant tenant, long estimate, long nowMs) {
    YearMonth month = YearMonth.from(Instant.ofEpochMilli(nowMs).atZone(ZoneOffset.UTC));
    String period = month.toString();
    if (tenant.fuMonthlyLimit() == null) {
      return new Granted(period);
    }
    long limit = tenant.fuMonthlyLimit();
    PeriodTotal total = totals.get(PeriodTotal.key(tenant.tenant(), period, PeriodTotal.FU));
    long used =
        (total == null ? 0 : total.units())
            + ledger(tenant.tenant(), period).counted(nowMs, settleWindowMs);
    if (used + estimate > limit) {
      Instant resetsAt = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      return new Exceeded(used, limit, resetsAt);
    }
    return new Granted(period);
  }

  public void reserve(String tenant, String period, long estimate) {
    String key = key(tenant, period);
    ledgers.put(key, ledger(tenant, period).reserve(estimate));
  }

  public void settle(String tenant, String period, long reserved, long spent, long nowMs) {
    String key = key(tenant, period);
    FuLedger settled = ledger(tenant, period).settle(reserved, spent, nowMs, settleWindowMs);
    if (settled.isEmpty()) {
      ledgers.delete(key);
    } else {
      ledgers.put(key, settled);
    }
  }

  private FuLedger ledger(String tenant, String period) {
    FuLedger ledger = ledgers.get(key(tenant, period));
    return ledger == null ? FuLedger.EMPTY : ledger;
  }

  private static String key(String tenant, String period) {
    return tenant + "@" + period;
  }
}
