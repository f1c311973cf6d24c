package dev.signet.core.billing.tiers;

import dev.signet.core.billing.reserved.Allowance;
import dev.signet.core.billing.reserved.OverageBand;
import dev.signet.core.billing.reserved.TenantReservation;
import dev.signet.core.billing.reserved.UnitType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;

/**
 * Prices a month's cumulative usage of one unit type through the tenant's overage bands.
 *
 * <p>The tier formula: overage = {@code max(0, used − reserved)} fills the bands in order, each up
 * to its {@code threshold} (its width); the last band is open-ended, so units beyond it are priced
 * at its price. A band's amount is {@code units × price} rounded half-even to the currency's minor
 * unit, once per band, never per unit. No bands means overage is not billed.
 *
 * <p>Increments: the charge of going from {@code usedBefore} to {@code usedAfter} in a band is the
 * band's rounded amount at {@code usedAfter} minus its rounded amount at {@code usedBefore}. The
 * differences telescope, so the increments of a month add up to the formula on the month's total to
 * the minor unit, whatever the increments were, and each unit falls in exactly one band.
 */
public final class TierPricing {

  private TierPricing() {}

  /** The tier formula on a month's cumulative {@code used} units. */
  public static TierCharge charge(Allowance allowance, Currency currency, long used) {
    requireNotNegative(used, "used");
    long overage = Math.max(0, used - allowance.reserved());
    List<OverageBand> tiers = allowance.overageTiers();
    List<BandCharge> bands = new ArrayList<>();
    for (int i = 0; i < tiers.size(); i++) {
      long units = unitsInBand(tiers, i, overage);
      if (units > 0) {
        BigDecimal price = tiers.get(i).pricePerUnit();
        bands.add(new BandCharge(i, units, price, amount(units, price, currency)));
      }
    }
    return new TierCharge(overage, bands, currency);
  }

  /**
   * The charge lines of one increment of a tenant's monthly total, one per band the increment
   * reaches; empty when the increment stays within the reservation or no band is configured.
   */
  public static List<ChargeLine> increment(
      TenantReservation reservation,
      YearMonth period,
      UnitType type,
      long usedBefore,
      long usedAfter) {
    requireNotNegative(usedBefore, "usedBefore");
    if (usedAfter < usedBefore) {
      throw new IllegalArgumentException(
          "a monthly total only grows: usedAfter " + usedAfter + " < usedBefore " + usedBefore);
    }
    Allowance allowance = reservation.allowance(type);
    Currency currency = reservation.currency();
    long overageBefore = Math.max(0, usedBefore - allowance.reserved());
    long overageAfter = Math.max(0, usedAfter - allowance.reserved());
    List<OverageBand> tiers = allowance.overageTiers();
    List<ChargeLine> lines = new ArrayList<>();
    for (int i = 0; i < tiers.size(); i++) {
      long before = unitsInBand(tiers, i, overageBefore);
      long after = unitsInBand(tiers, i, overageAfter);
      if (after == before) {
        continue;
      }
      OverageBand band = tiers.get(i);
      BigDecimal price = band.pricePerUnit();
      BigDecimal amount = amount(after, price, currency).subtract(amount(before, price, currency));
      lines.add(
          new ChargeLine(
              ChargeIds.of(reservation.tenant(), period, type, i, usedBefore, usedAfter),
              reservation.tenant(),
              period,
              type,
              i,
              after - before,
              price,
              amount,
              currency,
              band.stripeItem()));
    }
    return lines;
  }

  /** How many of {@code overage} units fall in band {@code index}; the last band has no cap. */
  static long unitsInBand(List<OverageBand> tiers, int index, long overage) {
    long start = 0;
    for (int i = 0; i < index; i++) {
      start += tiers.get(i).threshold();
      if (start >= overage) {
        return 0;
      }
    }
    long remaining = overage - start;
    boolean last = index == tiers.size() - 1;
    return last ? remaining : Math.min(remaining, tiers.get(index).threshold());
  }

  /** {@code units × price} rounded once, half-even, to the currency's minor unit. */
  static BigDecimal amount(long units, BigDecimal price, Currency currency) {
    return BigDecimal.valueOf(units)
        .multiply(price)
        .setScale(currency.getDefaultFractionDigits(), RoundingMode.HALF_EVEN);
  }

  private static void requireNotNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
  }
}
