package dev.signet.processor.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cleaning before hashing: line ends, control characters, NFC, also inside embedded JSON. */
class SanitizerTest {

  private final Transformations transformations =
      Transformations.standard(new Admission(Admission.Limits.defaults()));

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          CR LF becomes LF                 | a\\r\\nb        | a\\nb
          lone CR becomes LF               | a\\rb          | a\\nb
          CR CR LF keeps two line ends     | a\\r\\r\\nb     | a\\n\\nb
          NUL, BEL and ESC are removed     | A\\u0000C\\u0007M\\u001bE | ACME
          DEL and C1 controls are removed  | x\\u007fy\\u0085z | xyz
          tab and LF are kept              | a\\tb\\nc       | a\\tb\\nc
          combining accent composes        | Cafe\\u0301     | Caf\\u00e9
          control between base and accent  | e\\u0001\\u0301  | \\u00e9
          format characters are kept       | a\\u200bb       | a\\u200bb
          """)
  void shouldCleanAString(String name, String escaped, String expected) {
    assertThat(Sanitizer.sanitize(unescape(escaped))).isEqualTo(unescape(expected));
  }

  @Test
  void shouldCleanMemberNamesAndNestedValuesAndShareWhatIsAlreadyClean() {
    JsonNode clean = Json.parse("{\"ok\":[\"fine\",{\"n\":1}]}");
    JsonNode dirty = Json.parse("{\"k\\r\\n\\u0000ey\":[\"v\\u0007\",{\"e\\u0301\":\"x\\ry\"}]}");

    assertThat(Sanitizer.sanitize(dirty))
        .isEqualTo(Json.parse("{\"k\\ney\":[\"v\",{\"\\u00e9\":\"x\\ny\"}]}"));
    assertThat(Sanitizer.sanitize(clean).get("ok").get(0)).isSameAs(clean.get("ok").get(0));
  }

  @Test
  void shouldCleanEscapedFormsInsideEmbeddedArgumentsAfterDecodingThem() {
    // The arguments text holds only escapes: the string value itself is clean ASCII.
    String arguments =
        "{\"invoice_id\":\"INV\\u0000-1\",\"amount\":1,\"currency\":\"EUR\","
            + "\"customer_name\":\"Cafe\\u0301\",\"description\":\"line\\r\\nnext\\rlast\"}";

    Outcome outcome = transformations.apply(TOOL_USE, ISO, toolUse(arguments));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Normalized.class,
            normalized -> {
              JsonNode invoice = normalized.document().at("/Document/Invoice");
              assertThat(invoice.get("Id").textValue()).isEqualTo("INV-1");
              assertThat(invoice.at("/Party/Name").textValue()).isEqualTo("Caf\u00e9");
              assertThat(invoice.get("Note").textValue()).isEqualTo("line\nnext\nlast");
            });
  }

  @Test
  void shouldGiveTheSameDocumentForTheSameTextSpelledTwoWays() {
    String composed =
        "{\"invoice_id\":\"I\",\"amount\":1,\"currency\":\"EUR\",\"customer_name\":\"Caf\u00e9\","
            + "\"description\":\"a\\nb\"}";
    String decomposed =
        "{\"invoice_id\":\"I\",\"amount\":1,\"currency\":\"EUR\",\"customer_name\":\"Cafe\\u0301\","
            + "\"description\":\"a\\r\\nb\\u0007\"}";

    Outcome one = transformations.apply(TOOL_USE, ISO, toolUse(composed));
    Outcome two = transformations.apply(TOOL_USE, ISO, toolUse(decomposed));

    assertThat(two).isEqualTo(one).isInstanceOf(Outcome.Normalized.class);
  }

  @Test
  void shouldRefuseMemberNamesThatCollideOnceCleanedInsteadOfMergingThem() {
    String arguments =
        "{\"invoice_id\":\"I\",\"amount\":1,\"currency\":\"EUR\",\"customer_name\":\"A\","
            + "\"x\":{\"caf\\u00e9\":1,\"cafe\\u0301\":2}}";

    Outcome embedded = transformations.apply(TOOL_USE, ISO, toolUse(arguments));
    Outcome payload =
        transformations.apply(
            TOOL_USE, ISO, Json.parse("{\"a\\u0000\":1,\"a\":2,\"tool_calls\":[]}"));

    assertThat(embedded)
        .isEqualTo(
            new Outcome.Rejected(
                ErrorCode.SCHEMA_INVALID,
                ARGS + "/x has two member names that are the same text once cleaned"));
    assertThat(payload)
        .isEqualTo(
            new Outcome.Rejected(
                ErrorCode.SCHEMA_INVALID,
                "/ has two member names that are the same text once cleaned"));
  }

  private static final String TOOL_USE = "openai.tooluse.invoice.v1";
  private static final String ISO = "invoice.iso20022.v1";
  private static final String ARGS = "/tool_calls/0/function/arguments";

  private static JsonNode toolUse(String arguments) {
    var payload = Json.MAPPER.createObjectNode();
    payload.putArray("tool_calls").addObject().putObject("function").put("arguments", arguments);
    return payload;
  }

  /** The test table spells characters as JSON escapes. */
  private static String unescape(String escaped) {
    return Json.parse("\"" + escaped + "\"").textValue();
  }
}
