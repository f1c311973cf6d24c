package dev.signet.core.message;

import java.util.Objects;

/**
 * One increment of a tenant's monthly overage in one band, as finance and the Stripe pusher read it
 * from {@code signet.billing.overage.v1} (key: tenant). Charges <em>add</em>: a month's bill is the
 * sum of its charges, and that sum equals the tier formula on the month's total to the minor unit.
 * Money is in decimal strings, exact.
 *
 * @param chargeId deterministic ({@code ch-} + SHA-256 of tenant, period, type, band, usedBefore,
 *     usedAfter): a replay produces the same id, and it is Stripe's {@code identifier}
 * @param period UTC calendar month {@code YYYY-MM}
 * @param type {@code vex} or {@code fu}
 * @param band 0-based index of the band in the tenant's list
 * @param units units of this increment that fall in the band, at least 1
 * @param unitPrice the band's exact price, decimal string
 * @param amount the band's rounded amount after the increment minus before it, decimal string
 *     scaled to the currency's minor unit
 * @param currency ISO 4217
 * @param usedBefore the month's total already charged before this increment
 * @param usedAfter the month's total this increment charges up to
 * @param window signed {@code ts} of the first and last receipt whose usage the increment carries
 * @param stripeEventName the Stripe meter's event name: the band's {@code stripe_item}, else the
 *     tenant's {@code stripe_item_vex}/{@code stripe_item_fu}; null when neither names one (then
 *     the charge is published but cannot be pushed)
 * @param stripeCustomer the tenant's {@code stripe_customer}, null when not configured
 * @param chargedAt when billing computed the charge, RFC 3339 UTC
 */
public record OverageCharge(
    String chargeId,
    String tenant,
    String period,
    String type,
    int band,
    long units,
    String unitPrice,
    String amount,
    String currency,
    long usedBefore,
    long usedAfter,
    Window window,
    String stripeEventName,
    String stripeCustomer,
    String chargedAt) {

  /** The span of signed receipt times an increment covers, RFC 3339 UTC, both inclusive. */
  public record Window(String start, String end) {
    public Window {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
    }
  }

  public OverageCharge {
    Objects.requireNonNull(chargeId, "chargeId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(unitPrice, "unitPrice");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(chargedAt, "chargedAt");
    if (units < 1) {
      throw new IllegalArgumentException("a charge bills at least one unit, got " + units);
    }
    if (usedAfter < usedBefore) {
      throw new IllegalArgumentException("usedAfter < usedBefore");
    }
  }

  /** Whether Stripe can be told about this charge: it names both a meter and a customer. */
  public boolean pushable() {
    return stripeEventName != null && stripeCustomer != null;
  }
}
