package dev.signet.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.erdtman.jcs.NumberToJSON;

/**
 * RFC 8785 (JCS) canonical JSON over a Jackson tree.
 *
 * <p>Keys are sorted by UTF-16 code units ({@link String#compareTo} does exactly that), numbers are
 * written in the ECMAScript form through the reference {@code NumberToJSON}, strings are escaped as
 * {@code JSON.stringify} does. No Unicode normalisation happens here: that is the sanitiser's job,
 * before anything is hashed.
 */
public final class Canonical {

  /** 2^53: every integer of at most this magnitude is an exact double. */
  private static final long MAX_EXACT = 1L << 53;

  private Canonical() {}

  public static String canonicalize(JsonNode node) {
    StringBuilder out = new StringBuilder(256);
    write(node, out);
    return out.toString();
  }

  /** Canonical text of an object without some of its top-level members, without copying it. */
  public static String canonicalizeExcluding(JsonNode object, Set<String> excludedKeys) {
    if (!object.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    StringBuilder out = new StringBuilder(512);
    writeObject(object, excludedKeys, out);
    return out.toString();
  }

  public static byte[] canonicalBytes(JsonNode node) {
    return canonicalize(node).getBytes(StandardCharsets.UTF_8);
  }

  /** Canonicalises raw JSON text. */
  public static String canonicalize(String json) {
    return canonicalize(Json.parse(json));
  }

  private static void write(JsonNode node, StringBuilder out) {
    switch (node.getNodeType()) {
      case OBJECT -> writeObject(node, Set.of(), out);
      case ARRAY -> writeArray(node, out);
      case STRING -> writeString(node.textValue(), out);
      case NUMBER -> writeNumber(node, out);
      case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
      case NULL -> out.append("null");
      default ->
          throw new IllegalArgumentException("not representable in JSON: " + node.getNodeType());
    }
  }

  private static void writeObject(JsonNode node, Set<String> excludedKeys, StringBuilder out) {
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.size());
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!excludedKeys.contains(field.getKey())) {
        fields.add(field);
      }
    }
    fields.sort(Map.Entry.comparingByKey());
    out.append('{');
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      writeString(fields.get(i).getKey(), out);
      out.append(':');
      write(fields.get(i).getValue(), out);
    }
    out.append('}');
  }

  private static void writeArray(JsonNode node, StringBuilder out) {
    out.append('[');
    for (int i = 0; i < node.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      write(node.get(i), out);
    }
    out.append(']');
  }

  private static void writeNumber(JsonNode node, StringBuilder out) {
    if (node.isIntegralNumber()) {
      writeInteger(node, out);
      return;
    }
    double value = node.isBigDecimal() ? node.decimalValue().doubleValue() : node.doubleValue();
    out.append(es6Number(value));
  }

  /**
   * Integers of magnitude up to 2^53 are exact doubles, which ES6 prints as plain integers, so they
   * are written as they are. Beyond that RFC 8785 wants the ES6 text of the nearest double: both
   * {@code (double) long} and {@link BigInteger#doubleValue()} round to nearest, ties to even, as
   * ES6 does when it reads the number.
   */
  private static void writeInteger(JsonNode node, StringBuilder out) {
    if (node.canConvertToLong()) {
      long value = node.longValue();
      // A range test, not Math.abs: Math.abs(Long.MIN_VALUE) is negative.
      if (value >= -MAX_EXACT && value <= MAX_EXACT) {
        out.append(value);
      } else {
        out.append(es6Number((double) value));
      }
      return;
    }
    out.append(es6Number(node.bigIntegerValue().doubleValue()));
  }

  /** The ECMAScript serialisation of a double, as RFC 8785 requires. */
  public static String es6Number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("NaN and Infinity are not valid JSON numbers");
    }
    try {
      return NumberToJSON.serializeNumber(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialise number " + value, e);
    }
  }

  private static void writeString(String value, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else if (Character.isSurrogate(c)) {
            // RFC 8785 section 3.2.2.2: lone surrogates must fail. UTF-8 encoding would turn them
            // into '?', so two different documents would otherwise hash (and sign) alike.
            boolean paired =
                Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (paired) {
              out.append(c).append(value.charAt(++i));
            } else {
              throw new IllegalArgumentException(
                  "lone surrogate U+"
                      + Integer.toHexString(c).toUpperCase(Locale.ROOT)
                      + " in a string: not valid Unicode, RFC 8785 rejects it");
            }
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();
}
