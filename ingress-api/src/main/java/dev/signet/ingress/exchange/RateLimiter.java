package dev.signet.ingress.exchange;

import dev.signet.ingress.config.IngressProperties;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * A token bucket per tenant (bucket4j; burst = one second of the rate, refilled continuously) with
 * the IETF draft's {@code RateLimit-*} headers for every limited response and {@code Retry-After}
 * for a refusal. Zero disables it. The buckets live in this instance: N instances admit up to N
 * times the rate. Tenants come from authenticated keys only, so the map is bounded by the keys.
 */
@Component
class RateLimiter {

  static final String LIMIT = "RateLimit-Limit";
  static final String REMAINING = "RateLimit-Remaining";
  static final String RESET = "RateLimit-Reset";
  static final String POLICY = "RateLimit-Policy";
  static final String RETRY_AFTER = "Retry-After";

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** What the bucket said, with the headers the response carries. */
  sealed interface Outcome {
    Map<String, String> headers();
  }

  record Admitted(Map<String, String> headers) implements Outcome {
    Admitted {
      headers = Map.copyOf(headers);
    }
  }

  /** Refused: {@code retryAfterSeconds} until one request fits again, rounded up. */
  record Limited(long retryAfterSeconds, Map<String, String> headers) implements Outcome {
    Limited {
      headers = Map.copyOf(headers);
    }
  }

  private static final Admitted UNLIMITED = new Admitted(Map.of());

  private final int perSecond;
  private final TimeMeter time;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  @Autowired
  RateLimiter(IngressProperties properties) {
    this(properties.rateLimitPerSecond(), TimeMeter.SYSTEM_NANOTIME);
  }

  /** With the clock the buckets refill by: tests step it instead of waiting. */
  RateLimiter(int perSecond, TimeMeter time) {
    this.perSecond = perSecond;
    this.time = time;
  }

  int perSecond() {
    return perSecond;
  }

  Outcome tryAcquire(String tenant) {
    if (perSecond <= 0) {
      return UNLIMITED;
    }
    ConsumptionProbe probe =
        buckets.computeIfAbsent(tenant, t -> newBucket()).tryConsumeAndReturnRemaining(1);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(LIMIT, Integer.toString(perSecond));
    headers.put(REMAINING, Long.toString(probe.getRemainingTokens()));
    headers.put(RESET, Long.toString(secondsUp(probe.getNanosToWaitForReset())));
    headers.put(POLICY, perSecond + ";w=1");
    if (probe.isConsumed()) {
      return new Admitted(headers);
    }
    // At least 1: "Retry-After: 0" invites an immediate retry that the bucket would refuse.
    long retryAfter = Math.max(1, secondsUp(probe.getNanosToWaitForRefill()));
    headers.put(RETRY_AFTER, Long.toString(retryAfter));
    return new Limited(retryAfter, headers);
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
        .withCustomTimePrecision(time)
        .build();
  }

  private static long secondsUp(long nanos) {
    return nanos <= 0 ? 0 : (nanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
  }
}
