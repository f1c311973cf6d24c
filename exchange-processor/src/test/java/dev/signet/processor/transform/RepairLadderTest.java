package dev.signet.processor.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import dev.signet.core.types.TypeRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The repair ladder (strict parse, then tolerant parse) on the invoice tool call: every malformed
 * input gets its exact code, none a 500, and every repairable spelling of a clean invoice gives
 * exactly the clean invoice's document, recorded as {@code tolerant_parse}.
 */
class RepairLadderTest {

  private static final String TOOL_USE = "openai.tooluse.invoice.v1";
  private static final String ISO = "invoice.iso20022.v1";
  private static final String ARGS = "/tool_calls/0/function/arguments";
  private static final String OK =
      "\"invoice_id\":\"INV-1\",\"currency\":\"USD\",\"customer_name\":\"ACME\"";
  private static final String VALID = "{" + OK + ",\"amount\":12.5}";
  private static final String REPAIR_BOTH = "strict: ";

  private final Transformations transformations =
      Transformations.standard(new Admission(Admission.Limits.defaults()));

  static Stream<Arguments> malformed() {
    String deep = "[".repeat(70) + "]".repeat(70);
    return Stream.of(
        // Unreadable by both rungs: REPAIR_FAILED, saying what each rung failed on.
        refused("not JSON at all", args("{broken"), ErrorCode.REPAIR_FAILED, REPAIR_BOTH),
        refused("empty string", args(""), ErrorCode.REPAIR_FAILED, REPAIR_BOTH),
        refused("only whitespace", args("  \n "), ErrorCode.REPAIR_FAILED, REPAIR_BOTH),
        refused("only a comment", args("// nothing"), ErrorCode.REPAIR_FAILED, REPAIR_BOTH),
        refused(
            "unterminated string",
            args("{\"invoice_id\":\"INV-1"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused(
            "unterminated object", args("{" + OK + ",\"amount\":1"), ErrorCode.REPAIR_FAILED, ""),
        refused("unterminated array", args("[1,2"), ErrorCode.REPAIR_FAILED, REPAIR_BOTH),
        refused("garbage after the JSON", args(VALID + " x"), ErrorCode.REPAIR_FAILED, REPAIR_BOTH),
        refused("two JSON values", args(VALID + VALID), ErrorCode.REPAIR_FAILED, REPAIR_BOTH),
        refused(
            "two fences",
            args("```json\n" + VALID + "\n```\n```json\n" + VALID + "\n```"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused("unclosed fence", args("```json\n" + VALID), ErrorCode.REPAIR_FAILED, REPAIR_BOTH),
        refused(
            "prose before the fence",
            args("Here it is:\n```json\n" + VALID + "\n```"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused(
            "prose after the fence",
            args("```json\n" + VALID + "\n```\nThanks!"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused("fence on one line", args("```json " + VALID + "```"), ErrorCode.REPAIR_FAILED, ""),
        refused(
            "fence of another language",
            args("```python\n" + VALID + "\n```"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused(
            "duplicate keys",
            args("{" + OK + ",\"amount\":1,\"amount\":2}"),
            ErrorCode.REPAIR_FAILED,
            "Duplicate field 'amount'"),
        refused(
            "duplicate keys in lenient mode",
            args("{'invoice_id':'INV-1',currency:'USD',customer_name:'ACME',amount:1,amount:2,}"),
            ErrorCode.REPAIR_FAILED,
            "tolerant_parse: the body is not valid JSON: Duplicate field 'amount'"),
        refused("NaN amount", args("{" + OK + ",\"amount\":NaN}"), ErrorCode.REPAIR_FAILED, "NaN"),
        refused(
            "Infinity amount",
            args("{" + OK + ",\"amount\":Infinity}"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused(
            "missing value",
            args("{" + OK + ",\"amount\":}"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused(
            "two commas in a row",
            args("{\"amount\":1,," + OK + "}"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused("leading zero", args("{" + OK + ",\"amount\":012}"), ErrorCode.REPAIR_FAILED, ""),
        refused("hex number", args("{" + OK + ",\"amount\":0x10}"), ErrorCode.REPAIR_FAILED, ""),
        refused("Python True", args("{" + OK + ",\"amount\":True}"), ErrorCode.REPAIR_FAILED, ""),
        refused(
            "unquoted string value",
            args(
                "{\"invoice_id\":\"INV-1\",\"currency\":USD,\"customer_name\":\"A\",\"amount\":1}"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused(
            "raw newline inside a string",
            args("{" + OK + ",\"amount\":1,\"description\":\"a\nb\"}"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused(
            "unknown escape",
            args("{" + OK + ",\"amount\":1,\"description\":\"\\q\"}"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused(
            "mismatched quotes",
            args("{'invoice_id\":\"INV-1\"}"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused(
            "unclosed block comment", args("/* " + VALID), ErrorCode.REPAIR_FAILED, REPAIR_BOTH),
        refused(
            "closing bracket of the wrong kind",
            args("{" + OK + ",\"amount\":1]"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        // Read, but beyond a limit no leniency relaxes: the limit's own code, or for an inexact
        // number, no repair that keeps its value.
        refused("nesting too deep", args(deep), ErrorCode.PAYLOAD_TOO_LARGE, ARGS),
        refused(
            "nesting too deep, tolerant",
            args(deep + " // deep"),
            ErrorCode.PAYLOAD_TOO_LARGE,
            ARGS),
        refused(
            "1e400 amount",
            args("{" + OK + ",\"amount\":1e400}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + ": /amount"),
        refused(
            "1e400 amount, tolerant",
            args("{" + OK + ",amount:1e400,}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + ": /amount"),
        refused(
            "integer beyond 2^53",
            args("{" + OK + ",\"amount\":9007199254740993}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + ": /amount"),
        // Read fine but not of the schema's shape: only the model could repair it, and this tenant
        // may not use it.
        refused("missing amount", args("{" + OK + "}"), ErrorCode.REPAIR_FAILED, "amount"),
        refused(
            "missing amount, tolerant", args("{" + OK + ",}"), ErrorCode.REPAIR_FAILED, "amount"),
        refused(
            "null amount",
            args("{" + OK + ",\"amount\":null}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/amount:"),
        refused(
            "boolean amount",
            args("{" + OK + ",\"amount\":true}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/amount:"),
        refused(
            "string amount",
            args("{" + OK + ",\"amount\":\"12.50\"}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/amount:"),
        refused(
            "single-quoted string amount stays a string",
            args("{" + OK + ",'amount':'12.50'}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/amount:"),
        refused(
            "array amount",
            args("{" + OK + ",\"amount\":[1]}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/amount:"),
        refused(
            "object where a string belongs",
            args("{\"invoice_id\":{},\"amount\":1,\"currency\":\"USD\",\"customer_name\":\"A\"}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/invoice_id:"),
        refused("arguments an array", args("[1]"), ErrorCode.REPAIR_FAILED, ARGS + ":"),
        refused(
            "arguments a JSON string (encoded twice)",
            args(Json.toText(Json.MAPPER.getNodeFactory().textNode(VALID))),
            ErrorCode.REPAIR_FAILED,
            ARGS + ":"),
        refused(
            "arguments an object, not a string",
            "{\"tool_calls\":[{\"function\":{\"arguments\":" + VALID + "}}]}",
            ErrorCode.REPAIR_FAILED,
            ARGS + ":"),
        refused(
            "arguments null",
            "{\"tool_calls\":[{\"function\":{\"arguments\":null}}]}",
            ErrorCode.REPAIR_FAILED,
            ARGS + ":"),
        refused("empty tool_calls", "{\"tool_calls\":[]}", ErrorCode.REPAIR_FAILED, "/tool_calls:"),
        refused("tool_calls an object", "{\"tool_calls\":{}}", ErrorCode.REPAIR_FAILED, ""),
        refused("no tool_calls", "{}", ErrorCode.REPAIR_FAILED, "tool_calls"),
        refused(
            "function an array",
            "{\"tool_calls\":[{\"function\":[]}]}",
            ErrorCode.REPAIR_FAILED,
            "/tool_calls/0/function:"),
        refused(
            "amount an object",
            args("{" + OK + ",\"amount\":{}}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/amount:"),
        refused(
            "amount the string NaN",
            args("{" + OK + ",\"amount\":\"NaN\"}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/amount:"),
        refused(
            "currency a number",
            args("{\"invoice_id\":\"I\",\"amount\":1,\"currency\":978,\"customer_name\":\"A\"}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/currency:"),
        refused(
            "blank customer name",
            args(
                "{\"invoice_id\":\"I\",\"amount\":1,\"currency\":\"USD\",\"customer_name\":\" \"}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/customer_name:"),
        refused(
            "invoice id a number",
            args("{\"invoice_id\":7,\"amount\":1,\"currency\":\"USD\",\"customer_name\":\"A\"}"),
            ErrorCode.REPAIR_FAILED,
            ARGS + "/invoice_id:"),
        refused("arguments a number", args("42"), ErrorCode.REPAIR_FAILED, ARGS + ":"),
        refused("arguments true", args("true"), ErrorCode.REPAIR_FAILED, ARGS + ":"),
        refused("arguments the text null", args("null"), ErrorCode.REPAIR_FAILED, ARGS),
        refused("tool_calls null", "{\"tool_calls\":null}", ErrorCode.REPAIR_FAILED, "/tool_calls"),
        refused("tool call without function", "{\"tool_calls\":[{}]}", ErrorCode.REPAIR_FAILED, ""),
        refused("extra closing brace", args(VALID + "}"), ErrorCode.REPAIR_FAILED, REPAIR_BOTH),
        refused(
            "unclosed single-quoted string",
            args("{'invoice_id':'INV-1}"),
            ErrorCode.REPAIR_FAILED,
            REPAIR_BOTH),
        refused(
            "amount with a plus sign",
            args("{" + OK + ",\"amount\":+1}"),
            ErrorCode.REPAIR_FAILED,
            ""),
        refused(
            "unknown currency, tolerant",
            args("{invoice_id:'I',amount:1,currency:'XYZ',customer_name:'A'}"),
            ErrorCode.SCHEMA_INVALID,
            "/currency XYZ is not an ISO 4217 code"),
        // Repaired, then refused by the invariants like any other document.
        refused(
            "negative amount, tolerant",
            args("{" + OK + ",amount:-1,}"),
            ErrorCode.SEMANTIC_VIOLATION,
            "/amount must not be negative"),
        refused(
            "too many decimals, fenced",
            args("```json\n{" + OK + ",\"amount\":1.001}\n```"),
            ErrorCode.SEMANTIC_VIOLATION,
            "/amount 1.001 has more decimals than USD allows (2)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void shouldRefuseEachMalformedInputWithItsExactCode(
      String name, String payload, ErrorCode code, String detail) {
    Outcome outcome = withoutModel(transformations.apply(TOOL_USE, ISO, Json.parse(payload)));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Rejected.class,
            rejected -> {
              assertThat(rejected.code()).isEqualTo(code);
              assertThat(rejected.code().status()).isBetween(400, 499);
              assertThat(rejected.detail()).contains(detail);
              if (detail.equals(REPAIR_BOTH)) {
                // What failed, rung by rung, and why the model rung was not tried.
                assertThat(rejected.detail())
                    .startsWith(ARGS + ": strict: ")
                    .contains("; tolerant_parse: ")
                    .endsWith("; llm_fallback: " + NO_MODEL);
              }
            });
  }

  @Test
  void shouldCoverAtLeastSixtyMalformedInputs() {
    assertThat(malformed().count()).isGreaterThanOrEqualTo(60);
  }

  /** Clean invoices, including strings that look like comments, quotes, commas and fences. */
  static Stream<Map<String, Object>> cleanInvoices() {
    return Stream.of(
        invoice("INV-1", "123.45", "USD", "ACME", null),
        invoice("INV-2", "5000", "JPY", "Caf\u00e9 Ñandú 東京", "plain"),
        invoice(
            "INV-3",
            "0.1",
            "EUR",
            "O'Brien \"the\" // not a comment",
            "# nor this, /* nor this */ ,} ] ``` it's 'quoted' \\ and\ttabbed"),
        invoice("INV-4", "0", "KWD", "  spaced  ", "```json\n{}\n```"));
  }

  static Stream<Arguments> repairableSpellings() {
    List<Arguments> cases = new ArrayList<>();
    for (Map<String, Object> invoice : cleanInvoices().toList()) {
      for (Map.Entry<String, Function<Map<String, Object>, String>> spelling :
          SPELLINGS.entrySet()) {
        cases.add(
            Arguments.of(
                invoice.get("invoice_id") + " " + spelling.getKey(),
                invoice,
                spelling.getValue().apply(invoice)));
      }
    }
    return cases.stream();
  }

  /** Mechanical ways to break the spelling of a document without changing what it says. */
  private static final Map<String, Function<Map<String, Object>, String>> SPELLINGS = spellings();

  private static Map<String, Function<Map<String, Object>, String>> spellings() {
    Map<String, Function<Map<String, Object>, String>> s = new LinkedHashMap<>();
    s.put("trailing comma", i -> render(i, '"', false, ",", ""));
    s.put("single quotes", i -> render(i, '\'', false, "", ""));
    s.put("unquoted names", i -> render(i, '"', true, "", ""));
    s.put("java line comments", i -> render(i, '"', false, "", " // note\n"));
    s.put("java block comments", i -> render(i, '"', false, "", " /* note, \"x\" */ "));
    s.put("yaml comments", i -> render(i, '"', false, "", " # note\n"));
    s.put("fenced json", i -> "```json\n" + render(i, '"', false, "", "") + "\n```");
    s.put("fenced, no tag", i -> "```\n" + render(i, '"', false, "", "") + "\n```");
    s.put("fenced JSON, CRLF", i -> "  ```JSON\r\n" + render(i, '"', false, "", "") + "\r\n```\n");
    s.put(
        "all at once, fenced",
        i -> "```json\n// invoice\n" + render(i, '\'', true, ",", " /* c */ ") + "\n```");
    return s;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("repairableSpellings")
  void shouldRepairEachSpellingToExactlyTheCleanDocument(
      String name, Map<String, Object> invoice, String broken) {
    Outcome clean = transformations.apply(TOOL_USE, ISO, Json.parse(args(clean(invoice))));
    Outcome repaired = transformations.apply(TOOL_USE, ISO, Json.parse(args(broken)));

    assertThat(clean)
        .isInstanceOfSatisfying(
            Outcome.Normalized.class,
            normalized -> assertThat(normalized.repair()).isEqualTo(RepairStep.NONE));
    assertThat(repaired)
        .isInstanceOfSatisfying(
            Outcome.Normalized.class,
            normalized -> {
              assertThat(normalized.repair()).isEqualTo(RepairStep.TOLERANT_PARSE);
              assertThat(normalized.repair().label()).isEqualTo("tolerant_parse");
              assertThat(normalized.document()).isEqualTo(((Outcome.Normalized) clean).document());
            });
  }

  @Test
  void shouldRecordNoRepairForAPairWithoutEmbeddedJson() {
    Outcome outcome =
        transformations.apply(
            ISO,
            ISO,
            Json.parse(
                "{\"Document\":{\"Invoice\":{\"Id\":\"I\",\"TotalMinor\":1,\"Currency\":\"EUR\",\"Party\":{\"Name\":\"P\"}}}}"));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Normalized.class,
            normalized -> assertThat(normalized.repair().label()).isEqualTo("none"));
  }

  @Test
  void shouldKeepTheExactDecimalOfARepairedAmount() {
    Outcome outcome =
        transformations.apply(
            TOOL_USE,
            ISO,
            Json.parse(
                args(
                    "{invoice_id:'I',amount:9007199254740.99,currency:'USD',customer_name:'A',}")));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Normalized.class,
            normalized ->
                assertThat(normalized.document().at("/Document/Invoice/TotalMinor").decimalValue())
                    .isEqualByComparingTo(new BigDecimal("900719925474099")));
  }

  @Test
  void shouldCountEachRepairAttemptAndSuccessByStep() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Transformations counted =
        Transformations.from(
            TypeRegistry.builtIn(),
            new Admission(Admission.Limits.defaults()),
            new RepairMetrics(meters));

    counted.apply(TOOL_USE, ISO, Json.parse(args(VALID)));
    counted.apply(TOOL_USE, ISO, Json.parse(args("{" + OK + ",amount:1,}")));
    counted.apply(TOOL_USE, ISO, Json.parse(args("{broken")));
    counted.apply(TOOL_USE, ISO, Json.parse(args("{" + OK + ",\"amount\":1e400}")));

    // Clean and out-of-range arguments never reach a repair rung.
    assertThat(meters.get("signet_repair_attempts").tag("step", "tolerant_parse").counter().count())
        .isEqualTo(2.0);
    assertThat(meters.get("signet_repair_success").tag("step", "tolerant_parse").counter().count())
        .isEqualTo(1.0);
  }

  private static final String NO_MODEL = "not enabled for this tenant";

  /** As ExchangeRules answers for a tenant without {@code fallback_enabled}. */
  private static Outcome withoutModel(Outcome outcome) {
    return outcome instanceof Outcome.NeedsModel question ? question.refused(NO_MODEL) : outcome;
  }

  private static Arguments refused(String name, String payload, ErrorCode code, String detail) {
    return Arguments.of(name, payload, code, detail);
  }

  private static Map<String, Object> invoice(
      String id, String amount, String currency, String customer, String description) {
    Map<String, Object> invoice = new LinkedHashMap<>();
    invoice.put("invoice_id", id);
    invoice.put("amount", new BigDecimal(amount));
    invoice.put("currency", currency);
    invoice.put("customer_name", customer);
    if (description != null) {
      invoice.put("description", description);
    }
    return invoice;
  }

  private static String clean(Map<String, Object> invoice) {
    return render(invoice, '"', false, "", "");
  }

  /**
   * An invoice spelled with the given quote, names quoted or not, a separator after the last
   * member, and filler (comments, whitespace) around every member.
   */
  private static String render(
      Map<String, Object> invoice, char quote, boolean bareNames, String last, String filler) {
    StringBuilder text = new StringBuilder("{");
    int n = 0;
    for (Map.Entry<String, Object> member : invoice.entrySet()) {
      if (n++ > 0) {
        text.append(',');
      }
      text.append(filler);
      text.append(bareNames ? member.getKey() : quoted(member.getKey(), quote));
      text.append(':');
      text.append(
          member.getValue() instanceof BigDecimal number
              ? number.toPlainString()
              : quoted((String) member.getValue(), quote));
      text.append(filler);
    }
    return text.append(last).append('}').toString();
  }

  private static String quoted(String value, char quote) {
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    if (quote == '"') {
      return json;
    }
    String inner = json.substring(1, json.length() - 1).replace("\\\"", "\"").replace("'", "\\'");
    return "'" + inner + "'";
  }

  private static String args(String arguments) {
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
                            .put("type", "function")
                            .set(
                                "function",
                                Json.MAPPER
                                    .createObjectNode()
                                    .put("name", "create_invoice")
                                    .put("arguments", arguments))));
    return Json.toText(payload);
  }
}
