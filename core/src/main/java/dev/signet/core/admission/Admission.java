package dev.signet.core.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeRequest;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * The one set of admission rules for an exchange request, applied by ingress to an HTTP body and by
 * the processor to a record on the requests topic, so an async producer gets exactly the answer an
 * HTTP caller gets.
 *
 * <p>A request is admitted only if it is one JSON object within the size and depth limits, with no
 * duplicate member names, nothing after it, and only numbers whose canonical (RFC 8785) form
 * denotes the same value as the text sent: integers within ±2^53 and decimals that survive the
 * round trip through a double. Anything else would be hashed and signed as a different value than
 * the caller sees, or read differently by two JSON parsers.
 */
public final class Admission {

  /** The largest integer every JSON reader (and RFC 8785's double form) represents exactly. */
  static final BigInteger MAX_EXACT_INTEGER = BigInteger.ONE.shiftLeft(53);

  private final Limits limits;
  private final ObjectMapper strict;
  private final ObjectMapper tolerant;

  public Admission(Limits limits) {
    this.limits = limits;
    this.strict = strictMapper(limits.maxDepth());
    this.tolerant = tolerantMapper(limits.maxDepth());
  }

  /** Body size and JSON nesting limits ({@code SP_MAX_BODY_BYTES}, {@code SP_MAX_JSON_DEPTH}). */
  public record Limits(int maxBodyBytes, int maxDepth) {

    public static final int DEFAULT_MAX_BODY_BYTES = 262_144;
    public static final int DEFAULT_MAX_DEPTH = 64;

    public Limits {
      if (maxBodyBytes < 1) {
        throw new IllegalArgumentException(
            "SP_MAX_BODY_BYTES must be positive, got " + maxBodyBytes);
      }
      if (maxDepth < 8 || maxDepth > 512) {
        throw new IllegalArgumentException(
            "SP_MAX_JSON_DEPTH must be between 8 and 512, got " + maxDepth);
      }
    }

    public static Limits defaults() {
      return new Limits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DEPTH);
    }
  }

  /** The outcome of admitting one request body. */
  public sealed interface Outcome permits Admitted, Refused {}

  /** A body that passed every rule, parsed once. */
  public record Admitted(ObjectNode body, ExchangeRequest request) implements Outcome {}

  /**
   * A body or id that breaks a rule: a stable code and a detail for the caller. {@code unreadable}
   * marks input that is not JSON text at all (a poison record, worth keeping for inspection).
   */
  public record Refused(ErrorCode code, String detail, boolean unreadable) implements Outcome {

    public Refused(ErrorCode code, String detail) {
      this(code, detail, false);
    }
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Admits a request body: the envelope {@code {payload_type, target_type, payload, trace_id?, …}}.
   */
  public Outcome admit(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return new Refused(ErrorCode.MALFORMED_REQUEST, "the request body is empty");
    }
    if (bytes.length > limits.maxBodyBytes()) {
      return tooLarge(bytes.length);
    }
    Parsed parsed = parse(bytes);
    if (parsed.refused() != null) {
      return parsed.refused();
    }
    if (!(parsed.json() instanceof ObjectNode body)) {
      return new Refused(ErrorCode.MALFORMED_REQUEST, "the request must be a JSON object");
    }
    for (String field :
        new String[] {
          "trace_id", "payload_type", "target_type", "forward_url", "expected_prev_receipt_hash"
        }) {
      JsonNode value = body.get(field);
      if (value != null && !value.isNull() && !value.isTextual()) {
        return new Refused(ErrorCode.MALFORMED_REQUEST, field + " must be a string");
      }
    }
    JsonNode traceId = body.get("trace_id");
    if (traceId != null && !traceId.isNull()) {
      Optional<Refused> invalid = checkTraceId(traceId.textValue());
      if (invalid.isPresent()) {
        return invalid.get();
      }
    }
    ExchangeRequest request;
    try {
      request = Json.convert(body, ExchangeRequest.class);
    } catch (Json.MalformedJsonException e) {
      return new Refused(ErrorCode.MALFORMED_REQUEST, e.getMessage());
    }
    return new Admitted(body, request);
  }

  /**
   * Parses JSON text embedded in a request (such as a tool call's {@code arguments} string) under
   * the same rules as the request itself.
   */
  public Parsed parseEmbedded(String text) {
    return parse(strict, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Parses embedded JSON text with the parser's own leniency: trailing commas, single-quoted
   * strings, unquoted member names, and Java or YAML comments. Everything else stays as strict as
   * {@link #parseEmbedded}: no duplicate names, nothing after the value, exact numbers, the same
   * depth limit. The parser decodes strings as written; no text is rewritten before or after.
   */
  public Parsed parseEmbeddedTolerant(String text) {
    return parse(tolerant, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A strictly parsed JSON value, or why it was refused. */
  public record Parsed(JsonNode json, Refused refused) {}

  private Parsed parse(byte[] bytes) {
    return parse(strict, bytes);
  }

  private Parsed parse(ObjectMapper mapper, byte[] bytes) {
    JsonNode json;
    try {
      json = mapper.readTree(bytes);
    } catch (StreamConstraintsException e) {
      return new Parsed(
          null,
          new Refused(
              ErrorCode.PAYLOAD_TOO_LARGE,
              "the JSON is nested deeper than " + limits.maxDepth() + " levels"));
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof StreamConstraintsException) {
        return new Parsed(
            null,
            new Refused(
                ErrorCode.PAYLOAD_TOO_LARGE,
                "the JSON is nested deeper than " + limits.maxDepth() + " levels"));
      }
      return new Parsed(
          null,
          new Refused(
              ErrorCode.MALFORMED_REQUEST,
              "the body is not valid JSON: " + e.getOriginalMessage(),
              true));
    } catch (IOException e) {
      return new Parsed(
          null,
          new Refused(
              ErrorCode.MALFORMED_REQUEST, "the body is not valid JSON: " + e.getMessage(), true));
    }
    if (json == null || json.isMissingNode()) {
      return new Parsed(
          null, new Refused(ErrorCode.MALFORMED_REQUEST, "the body holds no JSON value", true));
    }
    Optional<Refused> inexact = inexactNumber(json, "");
    return inexact.map(r -> new Parsed(null, r)).orElseGet(() -> new Parsed(json, null));
  }

  private Refused tooLarge(long size) {
    return new Refused(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "the body is " + size + " bytes, at most " + limits.maxBodyBytes());
  }

  /** Trace ids: 1 to 128 characters of {@code A-Z a-z 0-9 . _ : -}, safe in URLs, logs and keys. */
  public static Optional<Refused> checkTraceId(String traceId) {
    if (traceId == null || traceId.isEmpty() || traceId.length() > MAX_TRACE_ID_LENGTH) {
      return Optional.of(
          new Refused(
              ErrorCode.TRACE_ID_INVALID,
              "trace_id must be 1 to "
                  + MAX_TRACE_ID_LENGTH
                  + " characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'"));
    }
    for (int i = 0; i < traceId.length(); i++) {
      char c = traceId.charAt(i);
      boolean allowed =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!allowed) {
        return Optional.of(
            new Refused(
                ErrorCode.TRACE_ID_INVALID,
                "trace_id may only hold A-Z, a-z, 0-9, '.', '_', ':' and '-'; character "
                    + (i + 1)
                    + " is U+"
                    + String.format("%04X", (int) c)));
      }
    }
    return Optional.empty();
  }

  /** Idempotency keys: 1 to 255 visible ASCII characters (what an HTTP header carries safely). */
  public static Optional<Refused> checkIdempotencyKey(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
      return Optional.of(
          new Refused(
              ErrorCode.IDEMPOTENCY_KEY_INVALID,
              "the idempotency key must be 1 to "
                  + MAX_IDEMPOTENCY_KEY_LENGTH
                  + " visible ASCII characters"));
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        return Optional.of(
            new Refused(
                ErrorCode.IDEMPOTENCY_KEY_INVALID,
                "the idempotency key may only hold visible ASCII characters; character "
                    + (i + 1)
                    + " is U+"
                    + String.format("%04X", (int) c)));
      }
    }
    return Optional.empty();
  }

  public static final int MAX_TRACE_ID_LENGTH = 128;
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  private static Optional<Refused> inexactNumber(JsonNode node, String path) {
    if (node.isContainerNode()) {
      if (node.isObject()) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          Optional<Refused> refused = inexactNumber(field.getValue(), path + "/" + field.getKey());
          if (refused.isPresent()) {
            return refused;
          }
        }
      } else {
        for (int i = 0; i < node.size(); i++) {
          Optional<Refused> refused = inexactNumber(node.get(i), path + "/" + i);
          if (refused.isPresent()) {
            return refused;
          }
        }
      }
      return Optional.empty();
    }
    if (!node.isNumber()) {
      return Optional.empty();
    }
    if (node.isIntegralNumber()) {
      BigInteger value = node.bigIntegerValue();
      if (value.abs().compareTo(MAX_EXACT_INTEGER) > 0) {
        return Optional.of(outOfRange(path, "integers beyond ±2^53 have no exact JSON form"));
      }
      return Optional.empty();
    }
    BigDecimal value = node.decimalValue();
    double asDouble = value.doubleValue();
    if (Double.isInfinite(asDouble)) {
      return Optional.of(outOfRange(path, "the number is beyond the range of JSON numbers"));
    }
    if (new BigDecimal(Canonical.es6Number(asDouble)).compareTo(value) != 0) {
      return Optional.of(
          outOfRange(path, "the number has more precision than a JSON number keeps"));
    }
    return Optional.empty();
  }

  private static Refused outOfRange(String path, String why) {
    return new Refused(ErrorCode.NUMBER_OUT_OF_RANGE, (path.isEmpty() ? "/" : path) + ": " + why);
  }

  private static ObjectMapper strictMapper(int maxDepth) {
    ObjectMapper mapper = Json.MAPPER.copy();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(maxDepth).build());
    mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    return mapper;
  }

  private static ObjectMapper tolerantMapper(int maxDepth) {
    ObjectMapper mapper = strictMapper(maxDepth);
    // Not ALLOW_NON_NUMERIC_NUMBERS, leading zeros or missing values: those change what a
    // number or an array means, where these only relax how the same document is spelled.
    for (JsonReadFeature feature :
        new JsonReadFeature[] {
          JsonReadFeature.ALLOW_TRAILING_COMMA,
          JsonReadFeature.ALLOW_SINGLE_QUOTES,
          JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
          JsonReadFeature.ALLOW_JAVA_COMMENTS,
          JsonReadFeature.ALLOW_YAML_COMMENTS
        }) {
      mapper.enable(feature.mappedFeature());
    }
    return mapper;
  }
}
