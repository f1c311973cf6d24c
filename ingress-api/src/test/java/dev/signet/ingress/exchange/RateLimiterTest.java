package dev.signet.ingress.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final ManualTime time = new ManualTime();
  private final RateLimiter limiter = new RateLimiter(2, time);

  @Test
  void shouldAdmitABurstOfOneSecondAndCountDownTheRemaining() {
    RateLimiter.Outcome first = limiter.tryAcquire("demo");
    RateLimiter.Outcome second = limiter.tryAcquire("demo");

    assertThat(first).isInstanceOf(RateLimiter.Admitted.class);
    assertThat(first.headers())
        .containsEntry("RateLimit-Limit", "2")
        .containsEntry("RateLimit-Remaining", "1")
        .containsEntry("RateLimit-Policy", "2;w=1")
        .doesNotContainKey("Retry-After");
    assertThat(second).isInstanceOf(RateLimiter.Admitted.class);
    assertThat(second.headers()).containsEntry("RateLimit-Remaining", "0");
    // Empty at 2/s: full again in 1 s.
    assertThat(second.headers()).containsEntry("RateLimit-Reset", "1");
  }

  @Test
  void shouldRefuseBeyondTheBurstWithRetryAfterRoundedUp() {
    limiter.tryAcquire("demo");
    limiter.tryAcquire("demo");
    time.advance(Duration.ofMillis(100));

    RateLimiter.Outcome refused = limiter.tryAcquire("demo");

    // The next token comes in 400 ms: rounded up to 1 s, never 0.
    assertThat(refused).isEqualTo(new RateLimiter.Limited(1, refused.headers()));
    assertThat(refused.headers())
        .containsEntry("Retry-After", "1")
        .containsEntry("RateLimit-Remaining", "0")
        .containsEntry("RateLimit-Limit", "2");
  }

  @Test
  void shouldAdmitAgainOnceATokenHasRefilled() {
    limiter.tryAcquire("demo");
    limiter.tryAcquire("demo");
    time.advance(Duration.ofMillis(500));

    assertThat(limiter.tryAcquire("demo")).isInstanceOf(RateLimiter.Admitted.class);
    assertThat(limiter.tryAcquire("demo")).isInstanceOf(RateLimiter.Limited.class);
  }

  @Test
  void shouldKeepOneBucketPerTenant() {
    limiter.tryAcquire("demo");
    limiter.tryAcquire("demo");
    assertThat(limiter.tryAcquire("demo")).isInstanceOf(RateLimiter.Limited.class);

    RateLimiter.Outcome other = limiter.tryAcquire("other");

    assertThat(other).isInstanceOf(RateLimiter.Admitted.class);
    assertThat(other.headers()).containsEntry("RateLimit-Remaining", "1");
  }

  @Test
  void shouldAdmitEverythingWithoutHeadersWhenDisabled() {
    RateLimiter off = new RateLimiter(0, time);
    for (int i = 0; i < 100; i++) {
      assertThat(off.tryAcquire("demo")).isEqualTo(new RateLimiter.Admitted(Map.of()));
    }
  }
}
