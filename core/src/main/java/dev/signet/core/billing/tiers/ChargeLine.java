package dev.signet.core.billing.tiers;

import dev.signet.core.billing.reserved.UnitType;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.Currency;
import java.util.Objects;
import java.util.Optional;

/**
 * The charge of one increment of usage in one band: the body of an overage charge record.
 *
 * @param chargeId deterministic: the same increment of the same month always has the same id, so a
 *     replay produces the same charge and Stripe's {@code identifier} deduplicates it
 * @param tenant the tenant billed
 * @param period the UTC calendar month
 * @param type the unit type
 * @param band 0-based band index
 * @param units units of this increment that fall in the band
 * @param unitPrice the band's exact price
 * @param amount rounded cumulative amount of the band after the increment minus before it
 * @param currency the tenant's currency
 * @param stripeItem the band's Stripe meter event name, absent when the file names none
 */
public record ChargeLine(
    String chargeId,
    String tenant,
    YearMonth period,
    UnitType type,
    int band,
    long units,
    BigDecimal unitPrice,
    BigDecimal amount,
    Currency currency,
    Optional<String> stripeItem) {

  public ChargeLine {
    Objects.requireNonNull(chargeId, "chargeId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(type, "type");
    if (units <= 0) {
      throw new IllegalArgumentException("a charge line bills at least one unit, got " + units);
    }
    Objects.requireNonNull(unitPrice, "unitPrice");
    Objects.requireNonNull(amount, "amount");
    if (amount.signum() < 0) {
      throw new IllegalArgumentException("amount must not be negative, got " + amount);
    }
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(stripeItem, "stripeItem");
  }
}
