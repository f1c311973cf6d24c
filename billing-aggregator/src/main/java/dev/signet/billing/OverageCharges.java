package dev.signet.billing;

import dev.signet.core.billing.reserved.TenantReservation;
import dev.signet.core.billing.tiers.ChargeLine;
import dev.signet.core.billing.tiers.TierPricing;
import dev.signet.core.message.OverageCharge;
import java.time.Instant;
import java.util.List;

/**
 * The overage charges of one increment of a month's total: {@link TierPricing#increment} lines
 * turned into {@link OverageCharge} records, with the usage window and the tenant's Stripe names.
 */
final class OverageCharges {

  private OverageCharges() {}

  /**
   * @param chargedThrough the month's total already charged
   * @param total the month's total now
   * @param span signed times of the earliest and latest usage of the increment
   * @param chargedAt billing's wall clock
   */
  static List<OverageCharge> of(
      TenantReservation reservation,
      PeriodKey key,
      long chargedThrough,
      long total,
      UsageSpan span,
      StripeNames names,
      Instant chargedAt) {
    List<ChargeLine> lines =
        TierPricing.increment(reservation, key.month(), key.unitType(), chargedThrough, total);
    OverageCharge.Window window =
        new OverageCharge.Window(
            Instant.ofEpochMilli(span.firstMs()).toString(),
            Instant.ofEpochMilli(span.lastMs()).toString());
    String customer = names.customer(key.tenant());
    return lines.stream()
        .map(
            line ->
                new OverageCharge(
                    line.chargeId(),
                    line.tenant(),
                    line.period().toString(),
                    line.type().wireName(),
                    line.band(),
                    line.units(),
                    line.unitPrice().toPlainString(),
                    line.amount().toPlainString(),
                    line.currency().getCurrencyCode(),
                    chargedThrough,
                    total,
                    window,
                    names.eventName(key.tenant(), line.type(), line.stripeItem().orElse(null)),
                    customer,
                    chargedAt.toString()))
        .toList();
  }
}
