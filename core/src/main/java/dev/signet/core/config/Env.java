package dev.signet.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one reader of the {@code SP_*} environment. Every service's typed config record is built
 * through it, so that a blank variable means unset everywhere, values are stripped everywhere, and
 * every parse error names the variable and the value it got.
 *
 * <p>A renamed setting keeps its old name as a deprecated alias (see {@link #DEPRECATED}): when
 * only the old name is set it is read, with a warning naming both; when both are set the new name
 * wins.
 */
public final class Env {

  private static final Logger log = LoggerFactory.getLogger(Env.class);

  /** Deprecated name → the name that replaced it. Documented in README and docs/operations.md. */
  static final Map<String, String> DEPRECATED =
      Map.of("SP_KAFKA_REPLICATION_FACTOR", "SP_REPLICATION_FACTOR");

  private final Map<String, String> variables;

  private Env(Map<String, String> variables) {
    this.variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
  }

  /** Over the given variables (tests, or a launcher that passes its own). */
  public static Env of(Map<String, String> variables) {
    return new Env(variables);
  }

  /** Every variable, for a reader that takes a map (validated by that reader). */
  public Map<String, String> asMap() {
    return variables;
  }

  /** Over this process's environment. */
  public static Env system() {
    return new Env(System.getenv());
  }

  /** The stripped value, or null when unset or blank. */
  public String optional(String name) {
    String value = variables.get(name);
    if (!isBlank(value)) {
      return value.strip();
    }
    for (Map.Entry<String, String> renamed : DEPRECATED.entrySet()) {
      String old = variables.get(renamed.getKey());
      if (renamed.getValue().equals(name) && !isBlank(old)) {
        log.warn("{} is deprecated; set {} instead", renamed.getKey(), name);
        return old.strip();
      }
    }
    return null;
  }

  /**
   * The value exactly as set (a password may start or end with a space), or null when unset or
   * blank.
   */
  public String verbatim(String name) {
    String value = variables.get(name);
    return isBlank(value) ? null : value;
  }

  public String string(String name, String fallback) {
    String value = optional(name);
    return value == null ? fallback : value;
  }

  public int integer(String name, int fallback) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw invalid(name, "an integer", e);
    }
  }

  /** An integer within {@code min..max}, both inclusive. */
  public int integer(String name, int fallback, int min, int max) {
    int value = integer(name, fallback);
    if (value < min || value > max) {
      throw invalid(name, "within " + min + ".." + max, null);
    }
    return value;
  }

  /** A whole number of {@code unit}s, e.g. {@code SP_COMMIT_INTERVAL_MS} in milliseconds. */
  public Duration duration(String name, ChronoUnit unit, Duration fallback) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    try {
      long amount = Long.parseLong(value);
      if (amount < 0) {
        throw invalid(
            name, "a non-negative number of " + unit.toString().toLowerCase(Locale.ROOT), null);
      }
      return Duration.of(amount, unit);
    } catch (NumberFormatException e) {
      throw invalid(name, "a whole number of " + unit.toString().toLowerCase(Locale.ROOT), e);
    }
  }

  /**
   * A duration with its unit, as Spring reads one: {@code 500ms}, {@code 5s}, {@code 2m}, {@code
   * 1h}; a bare number is {@code unit}s. Zero and negative durations are refused.
   */
  public Duration positiveDuration(String name, ChronoUnit unit, Duration fallback) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    Matcher parts = Pattern.compile("(\\d{1,12})(ms|s|m|h)?").matcher(value);
    if (!parts.matches() || Long.parseLong(parts.group(1)) == 0) {
      throw invalid(name, "a positive duration such as 500ms, 5s, 2m or 1h", null);
    }
    long amount = Long.parseLong(parts.group(1));
    ChronoUnit given =
        parts.group(2) == null
            ? unit
            : switch (parts.group(2)) {
              case "ms" -> ChronoUnit.MILLIS;
              case "s" -> ChronoUnit.SECONDS;
              case "m" -> ChronoUnit.MINUTES;
              default -> ChronoUnit.HOURS;
            };
    return Duration.of(amount, given);
  }

  /** {@code true} or {@code false}, in any case. */
  public boolean bool(String name, boolean fallback) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(name, "true or false", null);
    };
  }

  public Path path(String name, Path fallback) {
    String value = optional(name);
    return value == null ? fallback : Path.of(value);
  }

  private IllegalArgumentException invalid(String name, String expected, Exception cause) {
    String shown =
        variables.containsKey(name)
            ? name
            : DEPRECATED.entrySet().stream()
                .filter(
                    renamed ->
                        renamed.getValue().equals(name) && variables.containsKey(renamed.getKey()))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(name);
    return new IllegalArgumentException(
        shown + " must be " + expected + ", got '" + variables.get(shown) + "'", cause);
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
