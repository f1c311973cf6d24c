package dev.signet.core.message;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One tenant's running total of one unit type in one UTC calendar month, as read from the period
 * totals topic. Each record replaces the previous one of its key: {@code units} is the month's
 * total so far, never an increment.
 *
 * @param period the UTC month, {@code YYYY-MM}
 * @param type {@code vex} (verified exchanges) or {@code fu} (LLM repair tokens)
 * @param updatedAt when billing computed this total, RFC 3339 UTC
 */
public record PeriodTotal(String tenant, String period, String type, long units, String updatedAt) {

  public static final String VEX = "vex";
  public static final String FU = "fu";

  private static final Set<String> TYPES = Set.of(VEX, FU);
  private static final Pattern PERIOD = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");

  public PeriodTotal {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (!PERIOD.matcher(period).matches()) {
      throw new IllegalArgumentException("period must be YYYY-MM, got " + period);
    }
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("type must be vex or fu, got " + type);
    }
    if (units < 0) {
      throw new IllegalArgumentException("units is never negative, got " + units);
    }
  }

  /** {@code tenant@YYYY-MM@type}: one key per tenant, month and unit type. */
  public static String key(String tenant, String period, String type) {
    return tenant + "@" + period + "@" + type;
  }

  public String key() {
    return key(tenant, period, type);
  }
}
