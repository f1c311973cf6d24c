package dev.signet.processor.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * One semantic invariant a repaired payload broke, as it appears in the 422 {@code
 * SEMANTIC_VIOLATION} body's {@code violations} list: {@code {"rule","field","expected","actual"}}.
 * {@code expected} is null when the original did not write the field (the repair invented it),
 * {@code actual} is null when the repair dropped it; both are written as JSON {@code null} rather
 * than left out, so every entry has the four names.
 *
 * @param rule the invariant's rule, e.g. {@code preserved} or {@code one_of}
 * @param field the JSON pointer into the arguments, e.g. {@code /amount}
 * @param expected what the sender wrote (or the allowed values), at most {@value #MAX_SHOWN} chars
 * @param actual what the repair holds, at most {@value #MAX_SHOWN} chars
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Violation(String rule, String field, String expected, String actual) {

  /** Values are shown, not proven: long ones are cut so a hostile payload cannot bloat a reply. */
  public static final int MAX_SHOWN = 200;

  public Violation {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(field, "field");
    expected = shown(expected);
    actual = shown(actual);
  }

  /** {@code /amount (preserved), /currency (preserved)}: which fields broke which rule. */
  public static String summary(List<Violation> violations) {
    StringBuilder summary = new StringBuilder();
    for (Violation v : violations) {
      if (!summary.isEmpty()) {
        summary.append(", ");
      }
      summary.append(v.field()).append(" (").append(v.rule()).append(')');
    }
    return summary.toString();
  }

  private static String shown(String value) {
    if (value == null || value.length() <= MAX_SHOWN) {
      return value;
    }
    int end = MAX_SHOWN - 1;
    // Never cut a surrogate pair in half.
    if (Character.isHighSurrogate(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(0, end) + "…";
  }
}
