package dev.signet.billing.stripe;

import java.util.Objects;

/**
 * One overage charge as Stripe sees it: a meter event of {@code units} for {@code customer} on the
 * meter {@code eventName}. The {@code chargeId} is deterministic, so it doubles as the meter
 * event's {@code identifier}: every attempt at the same charge carries the same one.
 *
 * @param chargeId the charge's id on {@code signet.billing.overage.v1}; the ledger key and the
 *     Stripe identifier
 * @param tenant the tenant billed (kept in the ledger, not sent to Stripe)
 * @param customer the tenant's Stripe customer ({@code payload.stripe_customer_id})
 * @param eventName the band's {@code stripe_item}: the meter's event name
 * @param units whole units, at least 1 ({@code payload.value})
 */
public record MeterCharge(
    String chargeId, String tenant, String customer, String eventName, long units) {

  public MeterCharge {
    requireText(chargeId, "chargeId");
    requireText(tenant, "tenant");
    requireText(customer, "customer");
    requireText(eventName, "eventName");
    if (units < 1) {
      throw new IllegalArgumentException("units must be at least 1, got " + units);
    }
  }

  /** The meter event's {@code identifier}: the charge id itself, so a retry dedups in Stripe. */
  public String identifier() {
    return chargeId;
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
