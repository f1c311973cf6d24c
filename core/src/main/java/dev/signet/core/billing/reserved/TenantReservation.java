package dev.signet.core.billing.reserved;

import java.util.Currency;
import java.util.Objects;

/**
 * One tenant's entry of the reserved-capacity file ({@code SP_RESERVED_CONFIG}).
 *
 * @param tenant the tenant id, the entry's key in the file
 * @param currency ISO 4217 currency of every price of the entry (the file's optional {@code
 *     currency}, {@code USD} when absent); it has a minor unit, so amounts can be rounded to it
 * @param vex allowance and bands of verified exchanges
 * @param fu allowance and bands of fallback-unit tokens
 */
public record TenantReservation(String tenant, Currency currency, Allowance vex, Allowance fu) {

  public TenantReservation {
    Objects.requireNonNull(tenant, "tenant");
    if (tenant.isBlank()) {
      throw new IllegalArgumentException("tenant must not be blank");
    }
    Objects.requireNonNull(currency, "currency");
    if (currency.getDefaultFractionDigits() < 0) {
      throw new IllegalArgumentException("currency " + currency + " has no minor unit");
    }
    Objects.requireNonNull(vex, "vex");
    Objects.requireNonNull(fu, "fu");
  }

  public Allowance allowance(UnitType type) {
    return switch (type) {
      case VEX -> vex;
      case FU -> fu;
    };
  }
}
