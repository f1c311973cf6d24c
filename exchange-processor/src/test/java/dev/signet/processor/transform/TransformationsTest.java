package dev.signet.processor.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import org.junit.jupiter.api.Test;

class TransformationsTest {

  private final Transformations transformations =
      Transformations.standard(new Admission(Admission.Limits.defaults()));

  private static JsonNode toolUse(String arguments) {
    var payload = Json.MAPPER.createObjectNode();
    payload
        .putArray("tool_calls")
        .addObject()
        .put("type", "function")
        .putObject("function")
        .put("name", "create_invoice")
        .put("arguments", arguments);
    return payload;
  }

  private static JsonNode invoice(String name) {
    return Json.parse(
        "{\"Document\":{\"Invoice\":{\"Id\":\"INV-9\",\"TotalMinor\":100,\"Currency\":\"EUR\",\"Party\":{\"Name\":\""
            + name
            + "\"}}}}");
  }

  @Test
  void shouldTurnAnInvoiceToolCallIntoMinorUnits() {
    Outcome outcome =
        transformations.apply(
            "openai.tooluse.invoice.v1",
            "invoice.iso20022.v1",
            toolUse(
                "{\"invoice_id\":\"INV-1\",\"amount\":123.45,\"currency\":\"USD\",\"customer_name\":\"ACME\",\"description\":\"x\"}"));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Normalized.class,
            normalized ->
                assertThat(normalized.document().at("/Document/Invoice/TotalMinor").asLong())
                    .isEqualTo(12345));
  }

  @Test
  void shouldRejectAnUnknownMappingNamingTheSupportedOnes() {
    Outcome outcome =
        transformations.apply("openai.tooluse.invoice.v1", "edi.x12.v1", toolUse("{}"));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Rejected.class,
            rejected -> {
              assertThat(rejected.code()).isEqualTo(ErrorCode.UNSUPPORTED_MAPPING);
              assertThat(rejected.detail()).contains("invoice.iso20022.v1->invoice.iso20022.v1");
            });
  }

  @Test
  void shouldNormaliseStringsToNfcBeforeTransforming() {
    Outcome outcome =
        transformations.apply("invoice.iso20022.v1", "invoice.iso20022.v1", invoice("Cafe\u0301"));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Normalized.class,
            normalized ->
                assertThat(normalized.document().at("/Document/Invoice/Party/Name").asText())
                    .isEqualTo("Caf\u00e9"));
  }

  @Test
  void shouldLeaveArgumentsNoParserReadsToTheModelRung() {
    Outcome outcome =
        transformations.apply(
            "openai.tooluse.invoice.v1", "invoice.iso20022.v1", toolUse("{broken"));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.NeedsModel.class,
            question -> {
              assertThat(question.arguments()).isEqualTo("{broken");
              assertThat(question.argumentsSchemaName())
                  .isEqualTo("openai.tooluse.invoice.arguments.v1");
              assertThat(question.argumentsSchema().get("required").toString()).contains("amount");
              assertThat(question.refused("off").code()).isEqualTo(ErrorCode.REPAIR_FAILED);
            });
  }
}
