package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.signet.core.error.ErrorCode;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.List;
import java.util.Locale;

/**
 * The named functions of the mapping language. Each gets its evaluated arguments with the pointers
 * they came from (for messages) and returns a value or a rejection; none throws on bad input.
 */
final class MappingFunctions {

  /** Beyond 2^53 the canonical JSON number would no longer be exact. */
  static final long MAX_EXACT = 1L << 53;

  /** An evaluated argument: its value (null when absent) and where it came from. */
  record Arg(JsonNode value, String where) {}

  /** What a function made: a value, or a rejection. */
  sealed interface Result {
    record Value(JsonNode value) implements Result {}

    record Failed(ErrorCode code, String detail) implements Result {}
  }

  private MappingFunctions() {}

  static Result call(String function, List<Arg> args) {
    return switch (function) {
      case "to_minor" -> args.size() == 2 ? toMinor(args.get(0), args.get(1)) : arity(function, 2);
      case "upper" -> args.size() == 1 ? upper(args.get(0)) : arity(function, 1);
      case "const" -> args.size() == 1 ? new Result.Value(args.get(0).value()) : arity(function, 1);
      case "iso4217" -> args.size() == 1 ? iso4217(args.get(0)) : arity(function, 1);
      case "non_negative" -> args.size() == 1 ? nonNegative(args.get(0)) : arity(function, 1);
      default -> new Result.Failed(ErrorCode.INTERNAL, "unknown mapping function " + function);
    };
  }

  /**
   * Major units to integer minor units at the currency's ISO 4217 scale (USD 123.45 → 12345, JPY
   * 1000 → 1000, KWD 1.234 → 1234), exact BigDecimal; refuses anything that would lose a digit.
   */
  static Result toMinor(Arg amount, Arg currencyArg) {
    Result currency = iso4217(currencyArg);
    if (currency instanceof Result.Failed) {
      return currency;
    }
    String code = ((Result.Value) currency).value().textValue();
    if (amount.value() == null || !amount.value().isNumber()) {
      return new Result.Failed(ErrorCode.SCHEMA_INVALID, amount.where() + " must be a number");
    }
    int scale = Math.max(Currency.getInstance(code).getDefaultFractionDigits(), 0);
    BigDecimal major = amount.value().decimalValue();
    if (major.signum() < 0) {
      return new Result.Failed(
          ErrorCode.SEMANTIC_VIOLATION, amount.where() + " must not be negative");
    }
    BigDecimal minor = major.movePointRight(scale);
    if (minor.stripTrailingZeros().scale() > 0) {
      return new Result.Failed(
          ErrorCode.SEMANTIC_VIOLATION,
          amount.where()
              + " "
              + major.toPlainString()
              + " has more decimals than "
              + code
              + " allows ("
              + scale
              + ")");
    }
    long total;
    try {
      total = minor.longValueExact();
    } catch (ArithmeticException e) {
      return new Result.Failed(ErrorCode.SEMANTIC_VIOLATION, amount.where() + " is too large");
    }
    if (total > MAX_EXACT) {
      return new Result.Failed(ErrorCode.SEMANTIC_VIOLATION, amount.where() + " is too large");
    }
    return new Result.Value(JsonNodeFactory.instance.numberNode(total));
  }

  static Result iso4217(Arg currency) {
    JsonNode value = currency.value();
    String text = value == null ? "" : value.asText();
    try {
      return new Result.Value(TextNode.valueOf(Currency.getInstance(text).getCurrencyCode()));
    } catch (IllegalArgumentException e) {
      return new Result.Failed(
          ErrorCode.SCHEMA_INVALID, currency.where() + " " + text + " is not an ISO 4217 code");
    }
  }

  static Result upper(Arg text) {
    if (text.value() == null || !text.value().isTextual()) {
      return new Result.Failed(ErrorCode.SCHEMA_INVALID, text.where() + " must be a string");
    }
    return new Result.Value(TextNode.valueOf(text.value().textValue().toUpperCase(Locale.ROOT)));
  }

  static Result nonNegative(Arg number) {
    if (number.value() == null || !number.value().isNumber()) {
      return new Result.Failed(ErrorCode.SCHEMA_INVALID, number.where() + " must be a number");
    }
    if (number.value().decimalValue().signum() < 0) {
      return new Result.Failed(
          ErrorCode.SEMANTIC_VIOLATION, number.where() + " must not be negative");
    }
    return new Result.Value(number.value());
  }

  private static Result arity(String function, int expected) {
    return new Result.Failed(ErrorCode.INTERNAL, function + " takes " + expected + " argument(s)");
  }
}
