package dev.signet.billing.stripe;

import java.util.Objects;

/** What became of one charge's push to Stripe. */
public sealed interface PushOutcome {

  /**
   * Stripe accepted the meter event.
   *
   * @param stripeResponseId Stripe's {@code Request-Id} for the accepted call (meter events have no
   *     id of their own), or the identifier when Stripe sent none
   * @param attempts how many calls it took, 1 when the first succeeded
   */
  record Pushed(String stripeResponseId, int attempts) implements PushOutcome {
    public Pushed {
      Objects.requireNonNull(stripeResponseId, "stripeResponseId");
    }
  }

  /** The ledger already holds the charge: Stripe was not called. */
  record AlreadyPushed() implements PushOutcome {}

  /**
   * Stripe did not accept the charge: a permanent refusal, or transient failures on every one of
   * the allowed attempts. Nothing is recorded; the caller dead-letters the charge.
   */
  record Failed(String reason, int attempts) implements PushOutcome {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
