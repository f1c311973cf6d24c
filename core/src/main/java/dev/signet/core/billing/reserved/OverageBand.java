package dev.signet.core.billing.reserved;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * One overage band of the reserved-capacity file.
 *
 * @param threshold the band's width: how many overage units it holds; the last band of a list is
 *     open-ended (units beyond it are priced at its price), so only there may it be 0
 * @param pricePerUnit exact decimal price of one unit in the tenant's currency, never negative
 * @param stripeItem the Stripe meter {@code event_name} this band reports to; files of the Python
 *     original may omit it, and then a charge of this band cannot be pushed to Stripe
 */
public record OverageBand(long threshold, BigDecimal pricePerUnit, Optional<String> stripeItem) {

  public OverageBand {
    if (threshold < 0) {
      throw new IllegalArgumentException("threshold must not be negative, got " + threshold);
    }
    Objects.requireNonNull(pricePerUnit, "pricePerUnit");
    if (pricePerUnit.signum() < 0) {
      throw new IllegalArgumentException("pricePerUnit must not be negative, got " + pricePerUnit);
    }
    Objects.requireNonNull(stripeItem, "stripeItem");
  }

  public static OverageBand of(long threshold, String pricePerUnit, String stripeItem) {
    return new OverageBand(
        threshold, new BigDecimal(pricePerUnit), Optional.ofNullable(stripeItem));
  }
}
