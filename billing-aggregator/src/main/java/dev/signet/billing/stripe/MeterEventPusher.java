package dev.signet.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.StripeException;
import com.stripe.model.billing.MeterEvent;
import com.stripe.net.RequestOptions;
import com.stripe.net.StripeResponse;
import com.stripe.param.billing.MeterEventCreateParams;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes one charge to Stripe as a Billing Meter Event ({@code POST /v1/billing/meter_events}),
 * retrying transient failures. It knows nothing of the ledger: {@link StripeBilling} decides
 * whether to call it. Blocking (it sleeps between attempts): run it on a worker thread, never on a
 * stream thread.
 *
 * <p>Transient: 429, 409 (Stripe's lock contention), 5xx, and connection failures including a read
 * timeout. Between attempts it waits what {@code Retry-After} asks for (capped at {@link
 * StripeConfig#maxBackoff()}), otherwise an exponential backoff. Any other 4xx is permanent and
 * fails at once: repeating the same request cannot change Stripe's answer. stripe-java's own
 * retries are off ({@code maxNetworkRetries = 0}) because they ignore {@code Retry-After}.
 *
 * <p>Each attempt sends the same {@code identifier} (the charge id), so an attempt whose answer was
 * lost but which Stripe did record is deduplicated by Stripe (for about 24 h), and the charge id as
 * the request's {@code Idempotency-Key} too: Stripe then answers a repeat (after a timeout, or
 * after a crash between its success and the ledger write) with the first request's saved response
 * instead of judging it anew, so a repeat is recorded as pushed, never dead-lettered as a
 * duplicate.
 */
public final class MeterEventPusher {

  public static final String TIMER = "signet_stripe_push";

  private static final Logger log = LoggerFactory.getLogger(MeterEventPusher.class);

  private final StripeConfig config;
  private final RetryAfterCapture http = new RetryAfterCapture();
  private final StripeClient client;
  private final Timer latency;

  public MeterEventPusher(StripeConfig config, MeterRegistry registry) {
    this.config = config;
    // One client per pusher, no global Stripe.* state: pushers with different bases (tests) and
    // keys can run side by side.
    this.client =
        StripeClient.builder()
            .setApiKey(config.apiKey())
            .setApiBase(config.apiBase())
            .setMaxNetworkRetries(0)
            .setConnectTimeout(Math.toIntExact(config.connectTimeout().toMillis()))
            .setReadTimeout(Math.toIntExact(config.readTimeout().toMillis()))
            .setHttpClient(http)
            .build();
    this.latency =
        Timer.builder(TIMER)
            .description("One charge's push to Stripe, retries included")
            .register(registry);
  }

  /** Pushes {@code charge}: {@link PushOutcome.Pushed} or {@link PushOutcome.Failed}. */
  public PushOutcome push(MeterCharge charge) {
    return latency.record(() -> attempt(charge));
  }

  private PushOutcome attempt(MeterCharge charge) {
    MeterEventCreateParams params =
        MeterEventCreateParams.builder()
            .setEventName(charge.eventName())
            .setIdentifier(charge.identifier())
            .putPayload("stripe_customer_id", charge.customer())
            .putPayload("value", Long.toString(charge.units()))
            .build();
    RequestOptions idempotent =
        RequestOptions.builder().setIdempotencyKey(charge.identifier()).build();
    String reason = "not attempted";
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      try {
        MeterEvent event = client.v1().billing().meterEvents().create(params, idempotent);
        return new PushOutcome.Pushed(responseId(event, charge), attempt);
      } catch (StripeException e) {
        reason = describe(e);
        if (!isTransient(e)) {
          log.warn("Stripe refused charge {}: {}", charge.chargeId(), reason);
          return new PushOutcome.Failed(reason, attempt);
        }
        if (attempt == config.maxAttempts()) {
          break;
        }
        Duration wait = waitBefore(attempt + 1, http.lastRetryAfter());
        log.info(
            "Stripe push of charge {} failed ({}), attempt {} of {}; retrying in {} ms",
            charge.chargeId(),
            reason,
            attempt,
            config.maxAttempts(),
            wait.toMillis());
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return new PushOutcome.Failed("interrupted after: " + reason, attempt);
        }
      }
    }
    log.warn(
        "Stripe push of charge {} failed {} times, giving up: {}",
        charge.chargeId(),
        config.maxAttempts(),
        reason);
    return new PushOutcome.Failed(reason, config.maxAttempts());
  }

  Duration waitBefore(int nextAttempt, Optional<Duration> retryAfter) {
    Duration wait = retryAfter.orElseGet(() -> config.backoff(nextAttempt - 1));
    return wait.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : wait;
  }

  static boolean isTransient(StripeException e) {
    if (e instanceof ApiConnectionException) {
      return true;
    }
    Integer status = e.getStatusCode();
    return status == null || status == 409 || status == 429 || status >= 500;
  }

  private static String describe(StripeException e) {
    Integer status = e.getStatusCode();
    String where = status == null ? "no HTTP answer" : "HTTP " + status;
    String code = e.getCode() == null ? "" : " " + e.getCode();
    return where + code + ": " + e.getMessage();
  }

  private static String responseId(MeterEvent event, MeterCharge charge) {
    StripeResponse response = event.getLastResponse();
    String requestId = response == null ? null : response.requestId();
    return requestId == null ? charge.identifier() : requestId;
  }
}
