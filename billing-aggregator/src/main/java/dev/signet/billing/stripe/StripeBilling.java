package dev.signet.billing.stripe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;

/**
 * Exactly-once Stripe billing of one charge: ledger check, push, ledger write.
 *
 * <ol>
 *   <li>A charge recorded in the {@link PushLedger} is {@link PushOutcome.AlreadyPushed}; Stripe is
 *       not called.
 *   <li>Otherwise {@link MeterEventPusher} pushes it, with the charge id as the identifier.
 *   <li>On success the ledger row is written at once, and only then does this return {@link
 *       PushOutcome.Pushed}: the caller acknowledges (commits its offset) after that.
 * </ol>
 *
 * <p><b>The window.</b> If the process dies after Stripe accepted the event but before the ledger
 * row is written (or the write fails: this method then throws and the caller must not acknowledge),
 * the charge is not recorded and the next attempt pushes it again with the <em>same</em>
 * identifier. Stripe deduplicates identifiers for about 24 hours, so the repeat is dropped by
 * Stripe as long as the retry comes within that window; a charge stuck longer between Stripe's
 * success and the ledger write could be billed twice. Reconciliation compares the ledger with
 * Stripe's meter event summaries to catch that case.
 *
 * <p>Blocking (HTTP, JDBC, backoff sleeps): for a worker thread, never a stream thread.
 */
public final class StripeBilling {

  public static final String PUSHES = "signet_stripe_push_total";

  private final PushLedger ledger;
  private final MeterEventPusher pusher;
  private final Clock clock;
  private final Counter pushed;
  private final Counter alreadyPushed;
  private final Counter failed;

  public StripeBilling(
      PushLedger ledger, MeterEventPusher pusher, MeterRegistry registry, Clock clock) {
    this.ledger = ledger;
    this.pusher = pusher;
    this.clock = clock;
    this.pushed = outcomeCounter(registry, "pushed");
    this.alreadyPushed = outcomeCounter(registry, "already_pushed");
    this.failed = outcomeCounter(registry, "failed");
  }

  /**
   * Bills {@code charge} at most once. {@link PushOutcome.Failed} means Stripe has not accepted it
   * and nothing is recorded (dead-letter it).
   *
   * @throws SQLException when the ledger cannot be read or written; the charge is then not
   *     acknowledged and a later attempt repeats it safely (same identifier)
   */
  public PushOutcome bill(MeterCharge charge) throws SQLException {
    if (ledger.isRecorded(charge.chargeId())) {
      alreadyPushed.increment();
      return new PushOutcome.AlreadyPushed();
    }
    PushOutcome outcome = pusher.push(charge);
    if (outcome instanceof PushOutcome.Pushed ok) {
      ledger.record(charge, clock.instant(), ok.stripeResponseId());
      pushed.increment();
    } else {
      failed.increment();
    }
    return outcome;
  }

  private static Counter outcomeCounter(MeterRegistry registry, String outcome) {
    return Counter.builder(PUSHES)
        .description("Charges handled by the Stripe pusher, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }
}
