package dev.signet.billing.stripe;

import dev.signet.core.config.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How billing reaches Stripe. There is no config without an API key: billing then computes and
 * publishes charges but pushes nothing ({@link #fromEnvironment} returns empty).
 *
 * @param apiKey secret key ({@code SP_STRIPE_API_KEY}); never printed
 * @param apiBase base URL of the API ({@code SP_STRIPE_API_BASE}), {@value #DEFAULT_API_BASE}
 *     unless overridden for a stub
 * @param maxAttempts calls per charge before it is {@link PushOutcome.Failed}, at least 1
 * @param initialBackoff wait after the first transient failure; doubles per attempt
 * @param maxBackoff cap on the doubling, and on a {@code Retry-After} Stripe asks for
 * @param connectTimeout TCP connect timeout of one call
 * @param readTimeout silence after which one call counts as a connection failure (and is retried)
 */
public record StripeConfig(
    String apiKey,
    String apiBase,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration connectTimeout,
    Duration readTimeout) {

  public static final String ENV_API_KEY = "SP_STRIPE_API_KEY";
  public static final String ENV_API_BASE = "SP_STRIPE_API_BASE";
  public static final String DEFAULT_API_BASE = "https://api.stripe.com";

  public static final int DEFAULT_MAX_ATTEMPTS = 6;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(20);

  public StripeConfig {
    Objects.requireNonNull(apiKey, "apiKey");
    if (apiKey.isBlank()) {
      throw new IllegalArgumentException(ENV_API_KEY + " must not be blank");
    }
    apiBase = checkedBase(apiBase);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    requirePositive(initialBackoff, "initialBackoff");
    requirePositive(maxBackoff, "maxBackoff");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(readTimeout, "readTimeout");
  }

  /** Production defaults against {@code apiBase}. */
  public static StripeConfig defaults(String apiKey, String apiBase) {
    return new StripeConfig(
        apiKey,
        apiBase,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MAX_BACKOFF,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_READ_TIMEOUT);
  }

  /**
   * Reads {@code SP_STRIPE_API_KEY} and {@code SP_STRIPE_API_BASE} (default {@value
   * #DEFAULT_API_BASE}); empty when no key is set, so the caller can say pushing is off.
   */
  public static Optional<StripeConfig> fromEnvironment(Env env) {
    String key = env.verbatim(ENV_API_KEY);
    // Blank counts as unset: compose passes `${SP_STRIPE_API_KEY:-}` through as "".
    if (key == null || key.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(defaults(key.strip(), env.string(ENV_API_BASE, DEFAULT_API_BASE)));
  }

  /** The same settings with other retry bounds (tests use milliseconds). */
  public StripeConfig withRetries(int attempts, Duration initial, Duration max) {
    return new StripeConfig(apiKey, apiBase, attempts, initial, max, connectTimeout, readTimeout);
  }

  /** The same settings with another read timeout. */
  public StripeConfig withReadTimeout(Duration timeout) {
    return new StripeConfig(
        apiKey, apiBase, maxAttempts, initialBackoff, maxBackoff, connectTimeout, timeout);
  }

  // The key must never reach a log line through the record's generated toString.
  @Override
  public String toString() {
    return "StripeConfig[apiKey=***, apiBase="
        + apiBase
        + ", maxAttempts="
        + maxAttempts
        + ", initialBackoff="
        + initialBackoff
        + ", maxBackoff="
        + maxBackoff
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + "]";
  }

  Duration backoff(int failedAttempts) {
    // 2^(n-1) times the initial wait, without overflowing for large n.
    int doublings = Math.min(failedAttempts - 1, 30);
    Duration wait = initialBackoff.multipliedBy(1L << doublings);
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  private static String checkedBase(String apiBase) {
    Objects.requireNonNull(apiBase, "apiBase");
    try {
      URI uri = new URI(apiBase.strip());
      if (uri.getHost() == null
          || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        throw new IllegalArgumentException(
            ENV_API_BASE + " must be an http(s) URL with a host, got " + apiBase);
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(ENV_API_BASE + " is not a URL: " + apiBase, e);
    }
    String stripped = apiBase.strip();
    // stripe-java appends "/v1/..." itself.
    return stripped.endsWith("/") ? stripped.substring(0, stripped.length() - 1) : stripped;
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
