package dev.signet.billing;

import dev.signet.core.billing.reserved.UnitType;
import dev.signet.core.message.PeriodTotal;
import java.time.YearMonth;
import java.util.Objects;

/**
 * The key of one month's total of one unit type of one tenant, {@code tenant@YYYY-MM@type}, as the
 * period stores and the period topic use it. Parsed from the right, so the tenant part is whatever
 * precedes the last two {@code @}.
 */
record PeriodKey(String tenant, String period, String type) {

  PeriodKey {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(type, "type");
  }

  static PeriodKey parse(String key) {
    int typeAt = key.lastIndexOf('@');
    int periodAt = typeAt < 1 ? -1 : key.lastIndexOf('@', typeAt - 1);
    if (periodAt < 1) {
      throw new IllegalArgumentException("not a tenant@YYYY-MM@type key: " + key);
    }
    return new PeriodKey(
        key.substring(0, periodAt), key.substring(periodAt + 1, typeAt), key.substring(typeAt + 1));
  }

  String key() {
    return PeriodTotal.key(tenant, period, type);
  }

  YearMonth month() {
    return YearMonth.parse(period);
  }

  UnitType unitType() {
    return PeriodTotal.VEX.equals(type) ? UnitType.VEX : UnitType.FU;
  }

  /** The prefix of every key of {@code tenant} in a store ordered by key bytes. */
  static String prefixOf(String tenant) {
    return tenant + "@";
  }
}
