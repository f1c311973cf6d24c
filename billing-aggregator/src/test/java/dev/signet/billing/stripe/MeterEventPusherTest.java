package dev.signet.billing.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real stripe-java client against {@link StripeStub} on loopback. */
class MeterEventPusherTest {

  private static final MeterCharge CHARGE =
      new MeterCharge("chg_2026-01_acme_vex_b1_0001", "acme", "cus_acme", "signet_vex_band1", 42);

  private StripeStub stripe;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void start() throws Exception {
    stripe = new StripeStub();
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() {
    stripe.close();
  }

  /** Three attempts, 10 ms first backoff: any wait near a second can only come from Retry-After. */
  private MeterEventPusher pusher() {
    return new MeterEventPusher(
        StripeConfig.defaults("sk_test_stub", stripe.baseUrl())
            .withRetries(3, Duration.ofMillis(10), Duration.ofSeconds(5))
            .withReadTimeout(Duration.ofMillis(400)),
        registry);
  }

  @Test
  void shouldSendOneMeterEventWithTheChargeAsIdentifier() {
    PushOutcome outcome = pusher().push(CHARGE);

    assertThat(outcome).isEqualTo(new PushOutcome.Pushed("req_1", 1));
    List<StripeStub.Request> requests = stripe.requests();
    assertThat(requests).hasSize(1);
    StripeStub.Request request = requests.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/v1/billing/meter_events");
    assertThat(request.authorization()).isEqualTo("Bearer sk_test_stub");
    assertThat(request.form())
        .containsEntry("event_name", "signet_vex_band1")
        .containsEntry("payload[stripe_customer_id]", "cus_acme")
        .containsEntry("payload[value]", "42")
        .containsEntry("identifier", "chg_2026-01_acme_vex_b1_0001");
    assertThat(request.idempotencyKey()).isEqualTo("chg_2026-01_acme_vex_b1_0001");
    assertThat(registry.get(MeterEventPusher.TIMER).timer().count()).isEqualTo(1);
  }

  @Test
  void shouldWaitForRetryAfterBeforeRetryingARateLimit() {
    stripe.then(new StripeStub.Status(429, "1"));

    PushOutcome outcome = pusher().push(CHARGE);

    assertThat(outcome).isInstanceOf(PushOutcome.Pushed.class);
    assertThat(((PushOutcome.Pushed) outcome).attempts()).isEqualTo(2);
    List<StripeStub.Request> requests = stripe.requests();
    assertThat(requests).hasSize(2);
    assertThat(Duration.between(requests.get(0).at(), requests.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(requests)
        .extracting(r -> r.form().get("identifier"))
        .containsOnly(CHARGE.chargeId());
  }

  @Test
  void shouldFailAfterTheLastAttemptWhenStripeKeepsFailing() {
    stripe.then(
        new StripeStub.Status(500, null),
        new StripeStub.Status(503, null),
        new StripeStub.Status(500, null));

    PushOutcome outcome = pusher().push(CHARGE);

    assertThat(outcome).isInstanceOf(PushOutcome.Failed.class);
    PushOutcome.Failed failed = (PushOutcome.Failed) outcome;
    assertThat(failed.attempts()).isEqualTo(3);
    assertThat(failed.reason()).contains("HTTP 500");
    assertThat(stripe.requests()).hasSize(3);
  }

  @Test
  void shouldRetryACallThatHangsPastTheReadTimeout() {
    stripe.then(new StripeStub.Hang());

    PushOutcome outcome = pusher().push(CHARGE);

    assertThat(outcome).isInstanceOf(PushOutcome.Pushed.class);
    assertThat(((PushOutcome.Pushed) outcome).attempts()).isEqualTo(2);
    assertThat(stripe.requests())
        .extracting(r -> r.form().get("identifier"))
        .containsExactly(CHARGE.chargeId(), CHARGE.chargeId());
    // The same Idempotency-Key: Stripe replays its saved answer to the first attempt, if it saw it.
    assertThat(stripe.requests())
        .extracting(StripeStub.Request::idempotencyKey)
        .containsExactly(CHARGE.chargeId(), CHARGE.chargeId());
  }

  @Test
  void shouldNotRetryAPermanentRefusal() {
    stripe.then(new StripeStub.Status(400, null));

    PushOutcome outcome = pusher().push(CHARGE);

    assertThat(outcome).isInstanceOf(PushOutcome.Failed.class);
    assertThat(((PushOutcome.Failed) outcome).attempts()).isEqualTo(1);
    assertThat(stripe.requests()).hasSize(1);
  }

  @Test
  void shouldReadRetryAfterAsSecondsOrAnHttpDate() {
    assertThat(RetryAfterCapture.parse("3")).contains(Duration.ofSeconds(3));
    assertThat(RetryAfterCapture.parse("Wed, 21 Oct 2015 07:28:00 GMT")).contains(Duration.ZERO);
    assertThat(RetryAfterCapture.parse("soon")).isEmpty();
  }
}
