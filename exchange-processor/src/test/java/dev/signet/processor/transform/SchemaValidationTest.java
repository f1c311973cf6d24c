package dev.signet.processor.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Good and bad payloads against the shipped schemas: each with its exact code and pointer. */
class SchemaValidationTest {

  private static final String TOOL_USE = "openai.tooluse.invoice.v1";
  private static final String ISO = "invoice.iso20022.v1";
  private static final String ARGS = "/tool_calls/0/function/arguments";

  private final Transformations transformations =
      Transformations.standard(new Admission(Admission.Limits.defaults()));

  static Stream<Arguments> toolUsePayloads() {
    String ok = "\"invoice_id\":\"INV-1\",\"currency\":\"USD\",\"customer_name\":\"ACME\"";
    return Stream.of(
        Arguments.of("{}", ErrorCode.REPAIR_FAILED, "tool_calls"),
        Arguments.of("[]", ErrorCode.REPAIR_FAILED, "object"),
        Arguments.of("{\"tool_calls\":[]}", ErrorCode.REPAIR_FAILED, "/tool_calls:"),
        Arguments.of("{\"tool_calls\":{}}", ErrorCode.REPAIR_FAILED, "/tool_calls:"),
        Arguments.of("{\"tool_calls\":[1]}", ErrorCode.REPAIR_FAILED, "/tool_calls/0:"),
        Arguments.of(
            "{\"tool_calls\":[{\"function\":{}}]}",
            ErrorCode.REPAIR_FAILED,
            "/tool_calls/0/function:"),
        Arguments.of(
            "{\"tool_calls\":[{\"function\":{\"arguments\":{\"amount\":1}}}]}",
            ErrorCode.REPAIR_FAILED,
            ARGS + ":"),
        Arguments.of(toolUse("{broken"), ErrorCode.REPAIR_FAILED, ARGS + ": strict:"),
        Arguments.of(toolUse("[1]"), ErrorCode.REPAIR_FAILED, ARGS + ":"),
        Arguments.of(toolUse("{" + ok + "}"), ErrorCode.REPAIR_FAILED, "amount"),
        Arguments.of(
            toolUse("{" + ok + ",\"amount\":\"1.00\"}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/amount:"),
        Arguments.of(
            toolUse("{" + ok + ",\"amount\":true}"), ErrorCode.REPAIR_FAILED, ARGS + "/amount:"),
        Arguments.of(
            toolUse("{" + ok + ",\"amount\":[1]}"), ErrorCode.REPAIR_FAILED, ARGS + "/amount:"),
        Arguments.of(toolUse("{" + ok + ",\"amount\":1e400}"), ErrorCode.REPAIR_FAILED, ARGS),
        Arguments.of(
            toolUse(
                "{\"invoice_id\":\" \",\"amount\":1,\"currency\":\"USD\",\"customer_name\":\"A\"}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/invoice_id:"),
        Arguments.of(
            toolUse(
                "{\"invoice_id\":{},\"amount\":1,\"currency\":\"USD\",\"customer_name\":\"A\"}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/invoice_id:"),
        Arguments.of(
            toolUse("{" + ok + ",\"amount\":1,\"description\":7}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/description:"),
        Arguments.of(
            toolUse(
                "{\"invoice_id\":\"I\",\"amount\":1,\"currency\":\"XYZ\",\"customer_name\":\"A\"}"),
            ErrorCode.SCHEMA_INVALID,
            "/currency XYZ is not an ISO 4217 code"),
        Arguments.of(
            toolUse("{" + ok + ",\"amount\":-1}"),
            ErrorCode.SEMANTIC_VIOLATION,
            "/amount must not be negative"),
        Arguments.of(
            toolUse("{" + ok + ",\"amount\":1.001}"),
            ErrorCode.SEMANTIC_VIOLATION,
            "/amount 1.001 has more decimals than USD allows (2)"),
        Arguments.of(
            toolUse("{" + ok + ",\"amount\":1e20}"),
            ErrorCode.SEMANTIC_VIOLATION,
            "/amount is too large"));
  }

  @ParameterizedTest
  @MethodSource("toolUsePayloads")
  void shouldRefuseABadToolCallWithItsCodeAndPointer(
      String payload, ErrorCode code, String detail) {
    Outcome outcome = transformations.apply(TOOL_USE, ISO, Json.parse(payload));
    // As answered to a tenant without the model fallback.
    if (outcome instanceof Outcome.NeedsModel question) {
      outcome = question.refused("not enabled for this tenant");
    }

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Rejected.class,
            rejected -> {
              assertThat(rejected.code()).isEqualTo(code);
              assertThat(rejected.detail()).contains(detail);
            });
  }

  static Stream<Arguments> isoPayloads() {
    return Stream.of(
        Arguments.of("{}", ErrorCode.SCHEMA_INVALID, "Document"),
        Arguments.of(
            iso("\"Id\":\"\",\"TotalMinor\":1,\"Currency\":\"EUR\""),
            ErrorCode.SCHEMA_INVALID,
            "/Document/Invoice/Id:"),
        Arguments.of(
            iso("\"Id\":\"I\",\"TotalMinor\":1.5,\"Currency\":\"EUR\""),
            ErrorCode.SCHEMA_INVALID,
            "/Document/Invoice/TotalMinor:"),
        Arguments.of(
            iso("\"Id\":\"I\",\"TotalMinor\":\"1\",\"Currency\":\"EUR\""),
            ErrorCode.SCHEMA_INVALID,
            "/Document/Invoice/TotalMinor:"),
        Arguments.of(
            iso("\"Id\":\"I\",\"TotalMinor\":-1,\"Currency\":\"EUR\""),
            ErrorCode.SEMANTIC_VIOLATION,
            "/Document/Invoice/TotalMinor must not be negative"),
        Arguments.of(
            iso("\"Id\":\"I\",\"TotalMinor\":1,\"Currency\":\"ZZZ\""),
            ErrorCode.SCHEMA_INVALID,
            "/Document/Invoice/Currency ZZZ is not an ISO 4217 code"));
  }

  @ParameterizedTest
  @MethodSource("isoPayloads")
  void shouldRefuseABadIsoDocumentWithItsCodeAndPointer(
      String payload, ErrorCode code, String detail) {
    Outcome outcome = transformations.apply(ISO, ISO, Json.parse(payload));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Rejected.class,
            rejected -> {
              assertThat(rejected.code()).isEqualTo(code);
              assertThat(rejected.detail()).contains(detail);
            });
  }

  @ParameterizedTest
  @MethodSource("goodPayloads")
  void shouldAcceptAGoodPayload(String payloadType, String payload) {
    assertThat(transformations.apply(payloadType, ISO, Json.parse(payload)))
        .isInstanceOf(Outcome.Normalized.class);
  }

  static Stream<Arguments> goodPayloads() {
    return Stream.of(
        Arguments.of(
            TOOL_USE,
            toolUse(
                "{\"invoice_id\":\"I\",\"amount\":5,\"currency\":\"JPY\",\"customer_name\":\"A\"}")),
        Arguments.of(
            TOOL_USE,
            toolUse(
                "{\"invoice_id\":\"I\",\"amount\":5.5,\"currency\":\"EUR\",\"customer_name\":\"A\",\"description\":\"d\"}")),
        Arguments.of(ISO, iso("\"Id\":\"I\",\"TotalMinor\":0,\"Currency\":\"KWD\"")),
        Arguments.of(
            ISO, iso("\"Id\":\"I\",\"TotalMinor\":100,\"Currency\":\"EUR\",\"Note\":\"n\"")));
  }

  private static String toolUse(String arguments) {
    JsonNode payload =
        Json.MAPPER
            .createObjectNode()
            .set(
                "tool_calls",
                Json.MAPPER
                    .createArrayNode()
                    .add(
                        Json.MAPPER
                            .createObjectNode()
                            .set(
                                "function",
                                Json.MAPPER.createObjectNode().put("arguments", arguments))));
    return Json.toText(payload);
  }

  private static String iso(String fields) {
    return "{\"Document\":{\"Invoice\":{" + fields + ",\"Party\":{\"Name\":\"P\"}}}}";
  }
}
