package dev.signet.processor.transform;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The semantic invariants of one mapping (its optional {@code "invariants"} array): what a repair
 * of the embedded arguments by the model must leave as the sender wrote it. The original arguments
 * text could not be parsed (that is why the model was asked), so {@link #check} compares the
 * repaired document with the original <em>text</em>, read by {@link WrittenValues}. Compiled once
 * when the mapping loads; pure and thread-safe.
 *
 * <p>Rules (fields are JSON pointers into the arguments):
 *
 * <ul>
 *   <li>{@code {"rule":"preserved","field":"/amount","kind":"amount"}}: every value the original
 *       wrote at the field must be the repaired value, compared by kind: {@code amount} the same
 *       decimal value ({@code 12.5} = {@code "12.50"}; only plain JSON number syntax is read, so
 *       {@code "1,250.00"} or {@code "$12"} never match anything); {@code code} equal ignoring case
 *       and surrounding blanks; {@code id}, {@code date}, {@code text} exactly the same string. A
 *       field the original did not write (or wrote as {@code null}) must stay absent or null
 *       (expected null: invented); a field it wrote must not be dropped (actual null).
 *   <li>{@code {"rule":"one_of","field":"/status","values":["draft","sent"]}}: when the repaired
 *       field is present and not null it is one of the strings listed, exactly.
 * </ul>
 */
final class Invariants {

  /** How a preserved field is compared. */
  enum Kind {
    AMOUNT,
    CODE,
    ID,
    DATE,
    TEXT;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One compiled rule. */
  sealed interface Rule {
    String field();

    JsonPointer pointer();
  }

  /** The field keeps the value the sender wrote. */
  record Preserved(String field, JsonPointer pointer, List<String> path, Kind kind)
      implements Rule {}

  /** The field, when present, is one of these strings. */
  record OneOf(String field, JsonPointer pointer, List<String> values) implements Rule {}

  static final String PRESERVED = "preserved";
  static final String ONE_OF = "one_of";

  /** The rule names, for metrics registered before any violation. */
  static final List<String> RULES = List.of(PRESERVED, ONE_OF);

  static final Invariants NONE = new Invariants(List.of());

  /** Amounts longer than this are not read as numbers: no real amount needs more digits. */
  private static final int MAX_AMOUNT_CHARS = 64;

  private final List<Rule> rules;
  private final Set<List<String>> preservedPaths;

  private Invariants(List<Rule> rules) {
    this.rules = List.copyOf(rules);
    Set<List<String>> paths = new LinkedHashSet<>();
    for (Rule rule : rules) {
      if (rule instanceof Preserved preserved) {
        paths.add(preserved.path());
      }
    }
    this.preservedPaths = Set.copyOf(paths);
  }

  /**
   * Compiles a mapping file's {@code "invariants"} (null or missing: none); a bad rule throws
   * {@link IllegalArgumentException} naming it, so a bad file stops the service at start.
   */
  static Invariants compile(JsonNode invariants) {
    if (invariants == null || invariants.isMissingNode()) {
      return NONE;
    }
    if (!invariants.isArray()) {
      throw new IllegalArgumentException("\"invariants\" must be an array of rules");
    }
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < invariants.size(); i++) {
      try {
        rules.add(compileRule(invariants.get(i)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invariant " + i + " " + invariants.get(i) + ": " + e.getMessage(), e);
      }
    }
    return new Invariants(rules);
  }

  private static Rule compileRule(JsonNode rule) {
    if (!rule.isObject()) {
      throw new IllegalArgumentException("a rule is an object");
    }
    String name = rule.path("rule").asText("");
    Set<String> allowed =
        switch (name) {
          case PRESERVED -> Set.of("rule", "field", "kind");
          case ONE_OF -> Set.of("rule", "field", "values");
          default ->
              throw new IllegalArgumentException(
                  "unknown rule \"" + name + "\"; known: " + String.join(", ", RULES));
        };
    for (Map.Entry<String, JsonNode> member : rule.properties()) {
      if (!allowed.contains(member.getKey())) {
        throw new IllegalArgumentException(
            "unknown member \"" + member.getKey() + "\" for rule " + name);
      }
    }
    String field = rule.path("field").asText("");
    if (!rule.path("field").isTextual() || !field.startsWith("/") || field.endsWith("/")) {
      throw new IllegalArgumentException("\"field\" must be a JSON pointer such as /amount");
    }
    JsonPointer pointer = JsonPointer.compile(field);
    if (name.equals(PRESERVED)) {
      return new Preserved(field, pointer, path(field), kind(rule.path("kind")));
    }
    JsonNode values = rule.path("values");
    if (!values.isArray() || values.isEmpty()) {
      throw new IllegalArgumentException("\"values\" must be a non-empty array of strings");
    }
    List<String> strings = new ArrayList<>();
    for (JsonNode value : values) {
      if (!value.isTextual()) {
        throw new IllegalArgumentException("\"values\" must hold strings only, not " + value);
      }
      strings.add(value.textValue());
    }
    return new OneOf(field, pointer, List.copyOf(strings));
  }

  private static Kind kind(JsonNode kind) {
    for (Kind known : Kind.values()) {
      if (known.label().equals(kind.asText(null))) {
        return known;
      }
    }
    List<String> labels = new ArrayList<>();
    for (Kind known : Kind.values()) {
      labels.add(known.label());
    }
    throw new IllegalArgumentException(
        "\"kind\" must be one of " + String.join(", ", labels) + ", not " + kind);
  }

  private static List<String> path(String pointer) {
    List<String> path = new ArrayList<>();
    for (String segment : pointer.substring(1).split("/", -1)) {
      path.add(segment.replace("~1", "/").replace("~0", "~"));
    }
    return List.copyOf(path);
  }

  boolean isEmpty() {
    return rules.isEmpty();
  }

  List<Rule> rules() {
    return rules;
  }

  /**
   * The rules {@code repaired} breaks, in rule order (empty: the repair kept the meaning). {@code
   * originalText} is the arguments text as the sender sent it.
   */
  List<Violation> check(String originalText, JsonNode repaired) {
    if (rules.isEmpty()) {
      return List.of();
    }
    Map<List<String>, List<WrittenValues.Written>> written =
        WrittenValues.read(originalText == null ? "" : originalText, preservedPaths);
    List<Violation> violations = new ArrayList<>();
    for (Rule rule : rules) {
      JsonNode value = at(repaired, rule.pointer());
      if (rule instanceof Preserved preserved) {
        checkPreserved(preserved, written.getOrDefault(preserved.path(), List.of()), value)
            .ifPresent(violations::add);
      } else if (rule instanceof OneOf oneOf && value != null) {
        String text = value.isTextual() ? value.textValue() : null;
        if (text == null || !oneOf.values().contains(text)) {
          violations.add(
              new Violation(ONE_OF, oneOf.field(), Json.toText(oneOf.values()), shown(value)));
        }
      }
    }
    return List.copyOf(violations);
  }

  private static Optional<Violation> checkPreserved(
      Preserved rule, List<WrittenValues.Written> written, JsonNode value) {
    List<WrittenValues.Written> values = written.stream().filter(w -> !w.isNull()).toList();
    if (values.isEmpty()) {
      return value == null
          ? Optional.empty()
          : Optional.of(new Violation(PRESERVED, rule.field(), null, shown(value)));
    }
    if (value == null) {
      return Optional.of(new Violation(PRESERVED, rule.field(), shown(values.get(0)), null));
    }
    // Every value written must match: a field written twice with two meanings is not preserved
    // by picking one of them.
    for (WrittenValues.Written original : written) {
      if (original.isNull() || !same(rule.kind(), original, value)) {
        return Optional.of(
            new Violation(
                PRESERVED, rule.field(), original.isNull() ? null : shown(original), shown(value)));
      }
    }
    return Optional.empty();
  }

  private static boolean same(Kind kind, WrittenValues.Written original, JsonNode value) {
    if (original.form() == WrittenValues.Form.CONTAINER || !value.isValueNode()) {
      return false;
    }
    String text = value.isTextual() ? value.textValue() : value.asText();
    return switch (kind) {
      case AMOUNT -> {
        BigDecimal written = amount(original.text());
        yield written != null && value.isNumber() && written.compareTo(value.decimalValue()) == 0;
      }
      case CODE -> original.text().strip().equalsIgnoreCase(text.strip());
      case ID, DATE, TEXT -> original.text().equals(text);
    };
  }

  /** The decimal value of plain JSON number syntax, or null: never a double, never a guess. */
  static BigDecimal amount(String text) {
    String number = text.strip();
    if (number.isEmpty() || number.length() > MAX_AMOUNT_CHARS || !isJsonNumber(number)) {
      return null;
    }
    try {
      return new BigDecimal(number);
    } catch (NumberFormatException e) {
      return null; // an exponent beyond int range
    }
  }

  /** {@code -?digits(.digits)?([eE][+-]?digits)?}, checked by hand: no regex to backtrack. */
  private static boolean isJsonNumber(String s) {
    int i = s.charAt(0) == '-' ? 1 : 0;
    int digits = skipDigits(s, i);
    if (digits == i) {
      return false;
    }
    i = digits;
    if (i < s.length() && s.charAt(i) == '.') {
      int fraction = skipDigits(s, i + 1);
      if (fraction == i + 1) {
        return false;
      }
      i = fraction;
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exponent = skipDigits(s, i);
      if (exponent == i) {
        return false;
      }
      i = exponent;
    }
    return i == s.length();
  }

  private static int skipDigits(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  /** The value at a pointer, or null when absent or JSON null. */
  private static JsonNode at(JsonNode document, JsonPointer pointer) {
    if (document == null) {
      return null;
    }
    JsonNode value = document.at(pointer);
    return value.isMissingNode() || value.isNull() ? null : value;
  }

  private static String shown(WrittenValues.Written original) {
    return original.form() == WrittenValues.Form.CONTAINER ? "(object or array)" : original.text();
  }

  private static String shown(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isNumber()) {
      BigDecimal number = value.decimalValue();
      // Plain digits read best (1250, not 1.25E+3), but never let an exponent expand to pages.
      return Math.abs(number.scale()) <= MAX_AMOUNT_CHARS
          ? number.toPlainString()
          : number.toString();
    }
    return value.isValueNode() ? value.asText() : "(object or array)";
  }
}
