package dev.signet.core.billing.tiers;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.List;
import java.util.Objects;

/**
 * What a month's cumulative usage of one unit type costs: the tier formula.
 *
 * @param overageUnits {@code max(0, used − reserved)}
 * @param bands one entry per band that holds at least one overage unit, in band order
 * @param currency the tenant's currency
 */
public record TierCharge(long overageUnits, List<BandCharge> bands, Currency currency) {

  public TierCharge {
    bands = List.copyOf(bands);
    Objects.requireNonNull(currency, "currency");
  }

  /** The sum of the band amounts (each already rounded), so it is exact in the minor unit. */
  public BigDecimal total() {
    return bands.stream()
        .map(BandCharge::amount)
        .reduce(BigDecimal.ZERO.setScale(currency.getDefaultFractionDigits()), BigDecimal::add);
  }
}
