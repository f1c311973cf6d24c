package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One source expression of a mapping file: {@code $} or {@code $/pointer} (into the payload),
 * {@code $args} or {@code $args/pointer} (into the parsed embedded JSON), a trailing {@code ?} for
 * "omit the target when absent or null", or a function call {@code name(arg, …)} whose arguments
 * are sources or JSON literals. Parsed once when the mapping loads, so a bad file fails at start.
 */
sealed interface Expression {

  /** The known functions with their number of arguments. */
  Map<String, Integer> FUNCTIONS =
      Map.of("to_minor", 2, "upper", 1, "const", 1, "iso4217", 1, "non_negative", 1);

  /** Where a source points: the payload or the embedded document. */
  enum Root {
    PAYLOAD,
    ARGUMENTS
  }

  record Source(Root root, String pointer, boolean optional) implements Expression {}

  record Literal(JsonNode value) implements Expression {}

  record Call(String function, List<Expression> arguments) implements Expression {}

  static Expression parse(String text) {
    String expression = text.strip();
    int open = expression.indexOf('(');
    if (open > 0 && expression.endsWith(")") && !expression.startsWith("$")) {
      String name = expression.substring(0, open).strip().toLowerCase(Locale.ROOT);
      if (!FUNCTIONS.containsKey(name)) {
        throw new IllegalArgumentException(
            "unknown function " + name + " in \"" + text + "\"; known: " + FUNCTIONS.keySet());
      }
      List<Expression> arguments = new ArrayList<>();
      for (String argument :
          splitArguments(expression.substring(open + 1, expression.length() - 1))) {
        Expression parsed = parse(argument);
        if (parsed instanceof Call) {
          throw new IllegalArgumentException("nested calls are not supported: \"" + text + "\"");
        }
        arguments.add(parsed);
      }
      if (arguments.size() != FUNCTIONS.get(name)) {
        throw new IllegalArgumentException(
            name + " takes " + FUNCTIONS.get(name) + " argument(s): \"" + text + "\"");
      }
      return new Call(name, arguments);
    }
    if (expression.startsWith("$")) {
      boolean optional = expression.endsWith("?");
      String path = optional ? expression.substring(0, expression.length() - 1) : expression;
      Root root = path.startsWith("$args") ? Root.ARGUMENTS : Root.PAYLOAD;
      String pointer = path.substring(root == Root.ARGUMENTS ? "$args".length() : 1);
      if (!pointer.isEmpty() && !pointer.startsWith("/")) {
        throw new IllegalArgumentException("\"" + text + "\" is not $/pointer or $args/pointer");
      }
      return new Source(root, pointer, optional);
    }
    try {
      return new Literal(Json.parse(expression));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is neither a source ($…), a function call nor a JSON literal", e);
    }
  }

  private static List<String> splitArguments(String text) {
    List<String> arguments = new ArrayList<>();
    if (text.isBlank()) {
      return arguments;
    }
    StringBuilder current = new StringBuilder();
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' && (i == 0 || text.charAt(i - 1) != '\\')) {
        inString = !inString;
      }
      if (c == ',' && !inString) {
        arguments.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    arguments.add(current.toString());
    return arguments;
  }
}
