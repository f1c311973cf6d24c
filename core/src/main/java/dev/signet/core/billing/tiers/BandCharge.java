package dev.signet.core.billing.tiers;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The charge of one band for a month's cumulative overage.
 *
 * @param band 0-based index of the band in the tenant's list
 * @param units overage units that fall in this band
 * @param unitPrice the band's exact price per unit
 * @param amount {@code units × unitPrice}, rounded half-even to the currency's minor unit once
 */
public record BandCharge(int band, long units, BigDecimal unitPrice, BigDecimal amount) {

  public BandCharge {
    if (band < 0) {
      throw new IllegalArgumentException("band must not be negative, got " + band);
    }
    if (units < 0) {
      throw new IllegalArgumentException("units must not be negative, got " + units);
    }
    Objects.requireNonNull(unitPrice, "unitPrice");
    Objects.requireNonNull(amount, "amount");
  }
}
