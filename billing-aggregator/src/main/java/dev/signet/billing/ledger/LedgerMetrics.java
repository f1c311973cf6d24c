package dev.signet.billing.ledger;

import dev.signet.billing.stripe.StripeBilling;
import dev.signet.shell.ConsumerLag;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's meters. The outcomes {@code pushed}, {@code already_pushed} and {@code failed} of
 * {@value StripeBilling#PUSHES} are counted by {@link StripeBilling}; the worker adds {@code
 * not_pushable} and {@code skipped}. Every {@code failed} charge is dead-lettered.
 */
final class LedgerMetrics {

  static final String DEAD_LETTERS_TOTAL = "signet_stripe_push_dead_letters_total";
  // Not "signet_stripe_push_dead_letters": Prometheus reads the counter above under that name.
  static final String DEAD_LETTERS = "signet_stripe_push_dead_letters_pending";
  static final String LAG_RECORDS = "signet_billing_ledger_lag_records";
  static final String LAG_SECONDS = "signet_billing_ledger_lag_seconds";
  static final String RETRIES = "signet_billing_ledger_retries_total";

  final Counter notPushable;
  final Counter skipped;
  final Counter deadLettered;
  final Counter retries;
  final AtomicLong deadLetters = new AtomicLong();
  final ConsumerLag lag;
  final AtomicLong lastHandledTimestampMs = new AtomicLong(-1);

  LedgerMetrics(MeterRegistry registry, Clock clock) {
    notPushable = outcome(registry, "not_pushable");
    skipped = outcome(registry, "skipped");
    deadLettered =
        Counter.builder(DEAD_LETTERS_TOTAL)
            .description("Charges Stripe did not accept after every retry (alert on any increase)")
            .register(registry);
    retries =
        Counter.builder(RETRIES)
            .description("Batches the ledger worker had to retry (database or Kafka unavailable)")
            .register(registry);
    Gauge.builder(DEAD_LETTERS, deadLetters, AtomicLong::get)
        .description("Rows in stripe_push_dead_letters: charges waiting for an operator")
        .register(registry);
    lag =
        ConsumerLag.register(
            registry,
            LAG_RECORDS,
            "Billing records the ledger worker has not handled yet (-1 until known)");
    Gauge.builder(LAG_SECONDS, this, m -> m.lagSeconds(clock))
        .description(
            "Age of the last record the ledger worker handled while it is behind; 0 when caught up")
        .register(registry);
  }

  /** 0 when nothing waits; else now minus the timestamp of the last handled record. */
  double lagSeconds(Clock clock) {
    long last = lastHandledTimestampMs.get();
    if (lag.records() == 0 || last < 0) {
      return 0;
    }
    return Math.max(0, clock.millis() - last) / 1000.0;
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder(StripeBilling.PUSHES)
        .description("Charges handled by the Stripe pusher, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }
}
