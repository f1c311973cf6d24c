package dev.signet.processor.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The file-driven mappings produce byte for byte what the hand-written Java produced. */
class LegacyParityTest {

  private static final Admission ADMISSION = new Admission(Admission.Limits.defaults());
  private final Transformations files = Transformations.standard(ADMISSION);

  static List<String> invoices() {
    return List.of(
        "{\"invoice_id\":\"INV-1\",\"amount\":123.45,\"currency\":\"USD\",\"customer_name\":\"ACME\",\"description\":\"x\"}",
        "{\"invoice_id\":\"INV-2\",\"amount\":1000,\"currency\":\"JPY\",\"customer_name\":\"Tanaka\"}",
        "{\"invoice_id\":\"INV-3\",\"amount\":1.234,\"currency\":\"KWD\",\"customer_name\":\"K\"}",
        "{\"invoice_id\":\"INV-4\",\"amount\":0,\"currency\":\"EUR\",\"customer_name\":\"Cafe\u0301\"}",
        "{\"invoice_id\":\"INV-5\",\"amount\":12.50,\"currency\":\"GBP\",\"customer_name\":\"Ltd\",\"extra\":[1,2]}",
        "{\"invoice_id\":\"INV-6\",\"amount\":1e2,\"currency\":\"CHF\",\"customer_name\":\"Z\"}",
        "{\"invoice_id\":\"INV-7\",\"amount\":90071992547409.92,\"currency\":\"USD\",\"customer_name\":\"Big\"}");
  }

  @ParameterizedTest
  @MethodSource("invoices")
  void shouldProduceTheSameDocumentAsTheJavaMapping(String arguments) {
    JsonNode payload = toolUse(arguments);
    Outcome legacy =
        new LegacyInvoiceToolUseToIso20022(ADMISSION).transform(Sanitizer.nfc(payload));
    Outcome current = files.apply("openai.tooluse.invoice.v1", "invoice.iso20022.v1", payload);

    assertThat(legacy).isInstanceOf(Outcome.Normalized.class);
    assertThat(current).isInstanceOf(Outcome.Normalized.class);
    JsonNode expected = ((Outcome.Normalized) legacy).document();
    JsonNode actual = ((Outcome.Normalized) current).document();
    assertThat(Json.toText(actual)).isEqualTo(Json.toText(expected));
    assertThat(Canonical.canonicalBytes(actual)).isEqualTo(Canonical.canonicalBytes(expected));

    Outcome legacyPassthrough = new LegacyIso20022Passthrough().transform(expected);
    Outcome passthrough = files.apply("invoice.iso20022.v1", "invoice.iso20022.v1", expected);
    assertThat(Json.toText(((Outcome.Normalized) passthrough).document()))
        .isEqualTo(Json.toText(((Outcome.Normalized) legacyPassthrough).document()));
  }

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
}
