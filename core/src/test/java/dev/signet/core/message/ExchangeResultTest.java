package dev.signet.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import dev.signet.core.json.RawJson;
import dev.signet.core.topic.Topics;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The results topic is read by async consumers: its JSON must not change with the Java types. */
class ExchangeResultTest {

  private static final String ACCEPTED_BODY =
      "{\"trace_id\":\"t-1\",\"normalized\":{\"a\":\"x\\\"}\\u00e9\"},\"policy\":{\"allowed\":true},\"receipt\":{\"hop\":1}}";

  private static byte[] wire(ExchangeResult result) {
    return Topics.EXCHANGE_RESULTS
        .valueSerde()
        .serializer()
        .serialize(Topics.EXCHANGE_RESULTS.name(), result);
  }

  private static String text(ExchangeResult result) {
    return new String(wire(result), StandardCharsets.UTF_8);
  }

  @Test
  void shouldWriteAnAcceptedResultAsBefore() {
    ExchangeResult accepted =
        new ExchangeResult.Accepted(
            "t-1", false, RawJson.of(ACCEPTED_BODY.getBytes(StandardCharsets.UTF_8)));

    assertThat(text(accepted))
        .isEqualTo(
            "{\"status\":200,\"trace_id\":\"t-1\",\"idempotency_hit\":false,\"body\":"
                + ACCEPTED_BODY
                + "}");
    assertThat(text(accepted.asReplay()))
        .isEqualTo(
            "{\"status\":200,\"trace_id\":\"t-1\",\"idempotency_hit\":true,\"body\":"
                + ACCEPTED_BODY
                + "}");
  }

  @Test
  void shouldWriteARejectionAsBefore() {
    ExchangeResult rejected = ExchangeResult.Rejected.of("t-1", ErrorCode.SCHEMA_INVALID, "d");

    assertThat(text(rejected))
        .isEqualTo(
            "{\"status\":422,\"trace_id\":\"t-1\",\"code\":\"SCHEMA_INVALID\",\"idempotency_hit\":false,"
                + "\"body\":{\"type\":\"https://signet.dev/problems/schema-invalid\",\"title\":\"Payload does not match its schema\","
                + "\"status\":422,\"code\":\"SCHEMA_INVALID\",\"detail\":\"d\",\"trace_id\":\"t-1\"}}");
  }

  @Test
  void shouldOmitTheTraceOfARejectionWithoutOne() {
    ExchangeResult rejected =
        ExchangeResult.Rejected.of(null, ErrorCode.AUTH_MISSING, null).asReplay();

    assertThat(text(rejected))
        .startsWith(
            "{\"status\":401,\"code\":\"AUTH_MISSING\",\"idempotency_hit\":true,\"body\":{");
  }

  @Test
  void shouldReadBackBothVariantsThroughTheTopicSerde() {
    // As Jackson writes it: a reader through the serde goes through a tree, so escapes come out in
    // Jackson's form.
    ExchangeResult accepted =
        new ExchangeResult.Accepted("t-1", true, RawJson.of(Json.parse(ACCEPTED_BODY)));
    ExchangeResult rejected = ExchangeResult.Rejected.of("t-2", ErrorCode.TRACE_FORBIDDEN, "no");

    for (ExchangeResult result : new ExchangeResult[] {accepted, rejected}) {
      ExchangeResult read =
          Topics.EXCHANGE_RESULTS
              .valueSerde()
              .deserializer()
              .deserialize(Topics.EXCHANGE_RESULTS.name(), wire(result));
      assertThat(read).isEqualTo(result);
    }
  }

  @Test
  void shouldSliceTheBodyBytesOutOfTheWireValueAsTheyAre() {
    // Spaces and escapes survive: the body is cut out of the value, not parsed and written again.
    String body =
        "{ \"trace_id\" : \"t-1\", \"normalized\" : {\"a\":[1, 2.50, \"}\\\"\"]}, \"receipt\":{}}";
    String value =
        "{\"status\":200,\"trace_id\":\"t-1\",\"extra\":{\"x\":[1]},\"idempotency_hit\":true,\"body\":"
            + body
            + "}";

    ExchangeResult read = ExchangeResult.fromWire(value.getBytes(StandardCharsets.UTF_8));

    assertThat(read).isInstanceOf(ExchangeResult.Accepted.class);
    assertThat(read.traceId()).isEqualTo("t-1");
    assertThat(read.idempotencyHit()).isTrue();
    assertThat(new String(read.body().bytes(), StandardCharsets.UTF_8)).isEqualTo(body);
  }

  @Test
  void shouldReadARejectionFromTheWire() {
    ExchangeResult rejected =
        ExchangeResult.Rejected.of(null, ErrorCode.AUTH_INVALID, "unknown API key");

    ExchangeResult read = ExchangeResult.fromWire(wire(rejected));

    assertThat(read).isEqualTo(rejected);
    assertThat(read.accepted()).isFalse();
    assertThat(Json.parse(read.body().bytes()).get("code").asText()).isEqualTo("AUTH_INVALID");
  }

  @Test
  void shouldRefuseAResultWithoutStatusOrBody() {
    assertThatThrownBy(
            () -> ExchangeResult.fromWire("{\"body\":{}}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                ExchangeResult.fromWire(
                    "{\"status\":200,\"trace_id\":\"t\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
