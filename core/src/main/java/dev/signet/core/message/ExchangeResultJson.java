package dev.signet.core.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import dev.signet.core.json.Json;
import dev.signet.core.json.RawJson;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The wire form of {@link ExchangeResult}, written and read in one place. */
final class ExchangeResultJson {

  static final String STATUS = "status";
  static final String TRACE_ID = "trace_id";
  static final String CODE = "code";
  static final String IDEMPOTENCY_HIT = "idempotency_hit";
  static final String BODY = "body";

  private ExchangeResultJson() {}

  static ExchangeResult of(
      int status, String traceId, String code, boolean idempotencyHit, RawJson body) {
    if (body == null) {
      throw new IllegalArgumentException("a result has a body");
    }
    return status == ExchangeResult.Accepted.STATUS
        ? new ExchangeResult.Accepted(traceId, idempotencyHit, body)
        : new ExchangeResult.Rejected(status, traceId, code, idempotencyHit, body);
  }

  /**
   * Reads the top-level members with a streaming parser and slices the body's bytes out of the
   * value as they are: no tree, no second serialisation, so a reader that only passes the body on
   * (ingress answering an HTTP caller) never pays for its size twice.
   */
  static ExchangeResult read(byte[] value) {
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("a result is a JSON object");
      }
      Integer status = null;
      String traceId = null;
      String code = null;
      boolean hit = false;
      RawJson body = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken token = parser.nextToken();
        switch (name) {
          case STATUS -> status = parser.getIntValue();
          case TRACE_ID -> traceId = token == JsonToken.VALUE_NULL ? null : parser.getText();
          case CODE -> code = token == JsonToken.VALUE_NULL ? null : parser.getText();
          case IDEMPOTENCY_HIT -> hit = parser.getBooleanValue();
          case BODY -> body = body(parser, value);
          default -> parser.skipChildren();
        }
      }
      if (status == null) {
        throw new IllegalArgumentException("a result has a status");
      }
      return of(status, traceId, code, hit, body);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable result", e);
    }
  }

  private static RawJson body(JsonParser parser, byte[] value) throws IOException {
    try {
      return RawJson.sliceObject(parser, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a result's body is a JSON object", e);
    }
  }

  static final class Writer extends JsonSerializer<ExchangeResult> {
    @Override
    public void serialize(ExchangeResult result, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeStartObject();
      gen.writeNumberField(STATUS, result.status());
      if (result.traceId() != null) {
        gen.writeStringField(TRACE_ID, result.traceId());
      }
      if (result.code() != null) {
        gen.writeStringField(CODE, result.code());
      }
      gen.writeBooleanField(IDEMPOTENCY_HIT, result.idempotencyHit());
      gen.writeFieldName(BODY);
      provider.defaultSerializeValue(result.body(), gen);
      gen.writeEndObject();
    }
  }

  /**
   * For readers that go through Jackson (a serde, a stored idempotency entry): one tree per value.
   */
  static final class Reader extends JsonDeserializer<ExchangeResult> {
    @Override
    public ExchangeResult deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      JsonNode node = context.readTree(parser);
      JsonNode status = node.get(STATUS);
      JsonNode body = node.get(BODY);
      if (status == null || !status.canConvertToInt() || body == null || !body.isObject()) {
        return context.reportInputMismatch(
            ExchangeResult.class, "a result has a numeric status and an object body");
      }
      return of(
          status.intValue(),
          text(node, TRACE_ID),
          text(node, CODE),
          node.path(IDEMPOTENCY_HIT).asBoolean(false),
          RawJson.of(body));
    }

    private static String text(JsonNode node, String field) {
      JsonNode value = node.get(field);
      return value == null || value.isNull() ? null : value.asText();
    }
  }
}
