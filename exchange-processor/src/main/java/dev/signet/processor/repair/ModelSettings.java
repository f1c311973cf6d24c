package dev.signet.processor.repair;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;

/**
 * How the repair worker reaches the model, from the {@code SP_OPENAI_*} environment.
 *
 * @param baseUrl the OpenAI-compatible API root, e.g. {@code https://api.openai.com/v1}
 * @param model the chat model asked to repair
 * @param apiKey the bearer key, or null when none is configured: the fallback is then unavailable
 * @param timeout the limit of one attempt (the whole HTTP call), not of all retries together
 * @param maxRetries retries after the first attempt on 408, 409, 429, 5xx and I/O failures
 * @param concurrency model calls in flight per worker
 * @param maxCompletionTokens the cap on tokens the model may write per reply
 */
public record ModelSettings(
    String baseUrl,
    String model,
    String apiKey,
    Duration timeout,
    int maxRetries,
    int concurrency,
    int maxCompletionTokens) {

  public static final String BASE_URL = "SP_OPENAI_BASE_URL";
  public static final String MODEL = "SP_OPENAI_MODEL";
  public static final String API_KEY = "SP_OPENAI_API_KEY";
  public static final String TIMEOUT = "SP_OPENAI_TIMEOUT";
  public static final String MAX_RETRIES = "SP_OPENAI_MAX_RETRIES";
  public static final String CONCURRENCY = "SP_OPENAI_CONCURRENCY";
  public static final String MAX_TOKENS = "SP_OPENAI_MAX_TOKENS";

  static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  static final String DEFAULT_MODEL = "gpt-4o-mini";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final int DEFAULT_MAX_RETRIES = 2;
  static final int DEFAULT_CONCURRENCY = 16;
  static final int DEFAULT_MAX_TOKENS = 1024;

  // Bounds that catch typos (a timeout in milliseconds, a retry count of 1000) at start-up.
  private static final int MAX_MAX_RETRIES = 10;
  private static final int MAX_CONCURRENCY = 1024;
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  public ModelSettings {
    requireHttpUrl(baseUrl);
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(MODEL + " must not be blank");
    }
    if (apiKey != null && apiKey.isBlank()) {
      apiKey = null;
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          TIMEOUT + " must be more than 0 and at most " + MAX_TIMEOUT + ", got " + timeout);
    }
    requireInRange(MAX_RETRIES, maxRetries, 0, MAX_MAX_RETRIES);
    requireInRange(CONCURRENCY, concurrency, 1, MAX_CONCURRENCY);
    requireInRange(MAX_TOKENS, maxCompletionTokens, 1, Integer.MAX_VALUE);
  }

  /** Reads the {@code SP_OPENAI_*} names; unset or blank names take their defaults. */
  public static ModelSettings fromEnvironment(Map<String, String> env) {
    return new ModelSettings(
        valueOr(env, BASE_URL, DEFAULT_BASE_URL),
        valueOr(env, MODEL, DEFAULT_MODEL),
        valueOr(env, API_KEY, null),
        timeout(valueOr(env, TIMEOUT, null)),
        integer(env, MAX_RETRIES, DEFAULT_MAX_RETRIES),
        integer(env, CONCURRENCY, DEFAULT_CONCURRENCY),
        integer(env, MAX_TOKENS, DEFAULT_MAX_TOKENS));
  }

  /** No model: the defaults without an API key. */
  public static ModelSettings unavailable() {
    return fromEnvironment(Map.of());
  }

  /** The processor's side of these settings: whether to ask, and what a call may spend. */
  public RepairPolicy policy() {
    return new RepairPolicy(available(), maxCompletionTokens, RepairPolicy.DEFAULT_SETTLE_WINDOW);
  }

  /** Whether the LLM fallback can be used at all: only with an API key. */
  public boolean available() {
    return apiKey != null;
  }

  @Override
  public String toString() {
    return "ModelSettings[baseUrl="
        + baseUrl
        + ", model="
        + model
        + ", apiKey="
        + (available() ? "(set)" : "(unset)")
        + ", timeout="
        + timeout
        + ", maxRetries="
        + maxRetries
        + ", concurrency="
        + concurrency
        + ", maxCompletionTokens="
        + maxCompletionTokens
        + "]";
  }

  private static String valueOr(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  /** ISO-8601 ({@code PT30S}) or a number of seconds ({@code 30}, {@code 2.5}). */
  private static Duration timeout(String text) {
    if (text == null) {
      return DEFAULT_TIMEOUT;
    }
    if (text.startsWith("P") || text.startsWith("p")) {
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            TIMEOUT + " is neither an ISO-8601 duration nor seconds: " + text, e);
      }
    }
    try {
      BigDecimal seconds = new BigDecimal(text);
      return Duration.ofNanos(seconds.movePointRight(9).toBigInteger().longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          TIMEOUT + " is neither an ISO-8601 duration nor seconds: " + text, e);
    }
  }

  private static int integer(Map<String, String> env, String name, int fallback) {
    String text = valueOr(env, name, null);
    if (text == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got " + text, e);
    }
  }

  private static void requireInRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", got " + value);
    }
  }

  private static void requireHttpUrl(String baseUrl) {
    if (baseUrl == null || baseUrl.isBlank()) {
      throw new IllegalArgumentException(BASE_URL + " must not be blank");
    }
    try {
      URI uri = new URI(baseUrl);
      String scheme = uri.getScheme();
      if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            BASE_URL + " must be an absolute http(s) URL, got " + baseUrl);
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(BASE_URL + " is not a URL: " + baseUrl, e);
    }
  }
}
