package dev.signet.processor.idempotency;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.signet.core.json.Json;
import dev.signet.core.json.RawJson;
import dev.signet.core.message.AcceptedBody;
import dev.signet.core.message.ExchangeResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The stored answer to one (tenant, idempotency key): the request's hash and its result.
 *
 * <p>An accepted result is stored as its receipt alone, {@code {request_hash, stored_at_ms,
 * receipt}}: the rest of its body repeats the receipt ({@link AcceptedBody}) and is rebuilt from it
 * byte for byte, so an entry is much smaller than the result. Rejections, and entries written
 * before, are stored as {@code {request_hash, stored_at_ms, result}}.
 *
 * @param receipt the accepted result's receipt, as signed; null for a rejection
 */
public record IdempotencyEntry(
    String requestHash, long storedAtMs, ExchangeResult result, RawJson receipt) {

  /** How entries are kept in the store and its changelog. */
  public static final Serde<IdempotencyEntry> SERDE =
      Serdes.serdeFrom(
          (topic, entry) -> entry == null ? null : entry.toBytes(),
          (topic, bytes) -> bytes == null ? null : read(bytes));

  private static final String REQUEST_HASH = "request_hash";
  private static final String STORED_AT_MS = "stored_at_ms";
  private static final String RECEIPT = "receipt";
  private static final String RESULT = "result";

  public IdempotencyEntry {
    Objects.requireNonNull(requestHash, "requestHash");
    Objects.requireNonNull(result, "result");
    if (receipt != null && !result.accepted()) {
      throw new IllegalArgumentException("only an accepted result has a receipt");
    }
  }

  /** An entry kept whole: a rejection, or an answer whose receipt is not at hand. */
  public IdempotencyEntry(String requestHash, long storedAtMs, ExchangeResult result) {
    this(requestHash, storedAtMs, result, null);
  }

  /** The entry of {@code result}, compact when {@code receipt} (its receipt's bytes) is given. */
  public static IdempotencyEntry of(
      String requestHash, long storedAtMs, ExchangeResult result, byte[] receipt) {
    return new IdempotencyEntry(
        requestHash, storedAtMs, result, receipt == null ? null : RawJson.of(receipt));
  }

  public static String storeKey(String tenant, String idempotencyKey) {
    // A newline cannot occur in a tenant name or an HTTP header value, so keys never collide.
    return tenant + "\n" + idempotencyKey;
  }

  byte[] toBytes() {
    // Written around the stored bytes as they are: the receipt (or result) is not re-serialised.
    byte[] kept = receipt != null ? receipt.bytes() : Json.toBytes(result);
    ByteArrayOutputStream out = new ByteArrayOutputStream(kept.length + 128);
    out.writeBytes(ascii("{\"" + REQUEST_HASH + "\":"));
    out.writeBytes(Json.toBytes(requestHash));
    out.writeBytes(ascii(",\"" + STORED_AT_MS + "\":" + storedAtMs + ",\""));
    out.writeBytes(ascii((receipt != null ? RECEIPT : RESULT) + "\":"));
    out.writeBytes(kept);
    out.write('}');
    return out.toByteArray();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  static IdempotencyEntry read(byte[] bytes) {
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("an idempotency entry is a JSON object");
      }
      String requestHash = null;
      long storedAtMs = 0;
      RawJson receipt = null;
      RawJson result = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        switch (name) {
          case REQUEST_HASH -> requestHash = parser.getText();
          case STORED_AT_MS -> storedAtMs = parser.getLongValue();
          case RECEIPT -> receipt = RawJson.sliceObject(parser, bytes);
          case RESULT -> result = RawJson.sliceObject(parser, bytes);
          default -> parser.skipChildren();
        }
      }
      if (receipt != null) {
        return new IdempotencyEntry(
            requestHash, storedAtMs, AcceptedBody.resultOf(receipt), receipt);
      }
      if (result == null) {
        throw new IllegalArgumentException("an idempotency entry holds a receipt or a result");
      }
      return new IdempotencyEntry(requestHash, storedAtMs, ExchangeResult.fromWire(result.bytes()));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable idempotency entry", e);
    }
  }
}
