package dev.signet.ingress.exchange;

import dev.signet.ingress.config.IngressProperties;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * A per-tenant token bucket for this instance (burst = one second of the rate). Zero disables it.
 * Limits are per instance: N instances admit up to N times the rate.
 */
@Component
class RateLimiter {

  private final int perSecond;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(IngressProperties properties) {
    this.perSecond = properties.rateLimitPerSecond();
  }

  boolean tryAcquire(String tenant) {
    if (perSecond <= 0) {
      return true;
    }
    return buckets
        .computeIfAbsent(tenant, t -> new Bucket(perSecond, System.nanoTime()))
        .tryAcquire(System.nanoTime());
  }

  private static final class Bucket {
    private final double ratePerNano;
    private final double capacity;
    private double tokens;
    private long refilledAt;

    Bucket(int perSecond, long now) {
      this.ratePerNano = perSecond / 1e9;
      this.capacity = perSecond;
      this.tokens = perSecond;
      this.refilledAt = now;
    }

    synchronized boolean tryAcquire(long now) {
      tokens = Math.min(capacity, tokens + (now - refilledAt) * ratePerNano);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
