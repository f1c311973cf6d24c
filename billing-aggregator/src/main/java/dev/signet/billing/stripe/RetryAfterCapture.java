package dev.signet.billing.stripe;

import com.stripe.exception.StripeException;
import com.stripe.net.HttpClient;
import com.stripe.net.HttpURLConnectionClient;
import com.stripe.net.StripeRequest;
import com.stripe.net.StripeResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * stripe-java's HTTP client, remembering the {@code Retry-After} of the last answer on this thread.
 * A {@link StripeException} carries the status but not the headers, and stripe-java's own retries
 * ignore {@code Retry-After}; the pusher reads it from here after a failed call. Calls are
 * synchronous on the caller's thread, so a thread-local holds exactly that call's answer.
 */
final class RetryAfterCapture extends HttpClient {

  private final HttpClient delegate = new HttpURLConnectionClient();
  private final ThreadLocal<Optional<Duration>> lastRetryAfter =
      ThreadLocal.withInitial(Optional::empty);

  @Override
  public StripeResponse request(StripeRequest request) throws StripeException {
    lastRetryAfter.remove();
    StripeResponse response = delegate.request(request);
    lastRetryAfter.set(response.headers().firstValue("Retry-After").flatMap(v -> parse(v)));
    return response;
  }

  /** The {@code Retry-After} of this thread's last answer; empty after a connection failure. */
  Optional<Duration> lastRetryAfter() {
    return lastRetryAfter.get();
  }

  /** Delta-seconds or an HTTP date (RFC 9110 §10.2.3); anything else is ignored. */
  static Optional<Duration> parse(String value) {
    String v = value.strip();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(Instant.now(), at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }
}
