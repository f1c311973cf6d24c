package dev.signet.core.message;

import java.util.Objects;

/**
 * What happened to one overage charge at Stripe, on {@code signet.billing.stripe-pushes.v1} (key:
 * charge id). One record per handling of a charge; the latest per key is its state.
 *
 * @param outcome {@code pushed} (Stripe accepted it, ledger written), {@code already_pushed} (the
 *     ledger held it, Stripe not called), {@code dead_lettered} (failed after every retry or
 *     refused by Stripe; also on {@code signet.billing.stripe-dlq.v1}), {@code not_pushable} (no
 *     meter event name or customer configured), {@code skipped} (no {@code SP_STRIPE_API_KEY})
 * @param attempts HTTP attempts made this time (0 when Stripe was not called)
 * @param stripeRequestId Stripe's {@code Request-Id} of the accepted event, when pushed
 * @param reason why it was not pushed, null when pushed
 * @param at when this outcome was reached, RFC 3339 UTC
 */
public record StripePush(
    String chargeId,
    String tenant,
    String outcome,
    String eventName,
    String customer,
    long units,
    int attempts,
    String stripeRequestId,
    String reason,
    String at) {

  public static final String PUSHED = "pushed";
  public static final String ALREADY_PUSHED = "already_pushed";
  public static final String DEAD_LETTERED = "dead_lettered";
  public static final String NOT_PUSHABLE = "not_pushable";
  public static final String SKIPPED = "skipped";

  public StripePush {
    Objects.requireNonNull(chargeId, "chargeId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(at, "at");
  }
}
