package dev.signet.processor.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InvariantsTest {

  private static final Invariants RULES =
      Invariants.compile(
          Json.parse(
              """
              [{"rule":"preserved","field":"/amount","kind":"amount"},
               {"rule":"preserved","field":"/currency","kind":"code"},
               {"rule":"preserved","field":"/invoice_id","kind":"id"},
               {"rule":"preserved","field":"/due_date","kind":"date"},
               {"rule":"preserved","field":"/customer/name","kind":"text"},
               {"rule":"one_of","field":"/status","values":["draft","sent"]}]
              """));

  private static Violation preserved(String field, String expected, String actual) {
    return new Violation("preserved", field, expected, actual);
  }

  private static Arguments kept(String name, String original, String repaired) {
    return Arguments.of(named(name, original), repaired, List.of());
  }

  private static Arguments broken(
      String name, String original, String repaired, Violation... violations) {
    return Arguments.of(named(name, original), repaired, List.of(violations));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        kept(
            "quoted amount 12.50 is the number 12.5",
            "{'amount': \"12.50\", 'currency': 'EUR', invoice_id: INV-1,}",
            "{\"amount\":12.5,\"currency\":\"EUR\",\"invoice_id\":\"INV-1\"}"),
        kept("bare 12.50 is 12.5", "{amount: 12.50,}", "{\"amount\":12.5}"),
        kept("an exponent is the same value", "{amount: 1.25e2,}", "{\"amount\":125}"),
        broken(
            "12.5 made 125",
            "{amount: 12.5,}",
            "{\"amount\":125}",
            preserved("/amount", "12.5", "125")),
        broken(
            "a grouped amount in quotes is not read as a number",
            "{amount: '1,250.00'}",
            "{\"amount\":1250.00}",
            preserved("/amount", "1,250.00", "1250")),
        broken(
            "a bare grouped amount ends at its comma",
            "{amount: 1,250.00}",
            "{\"amount\":1250.00}",
            preserved("/amount", "1", "1250")),
        broken(
            "a currency sign is not an amount",
            "{amount: '$12.50'}",
            "{\"amount\":12.50}",
            preserved("/amount", "$12.50", "12.5")),
        broken(
            "a string amount in the repair is not an amount",
            "{amount: 12.5,}",
            "{\"amount\":\"12.5\"}",
            preserved("/amount", "12.5", "12.5")),
        kept("a currency may change case", "{currency: 'eur',}", "{\"currency\":\"EUR\"}"),
        broken(
            "a currency may not change",
            "{currency: 'EUR',}",
            "{\"currency\":\"USD\"}",
            preserved("/currency", "EUR", "USD")),
        broken(
            "an id changed",
            "{invoice_id: 'INV-1',}",
            "{\"invoice_id\":\"INV-01\"}",
            preserved("/invoice_id", "INV-1", "INV-01")),
        broken(
            "an id is case-sensitive",
            "{invoice_id: 'inv-1',}",
            "{\"invoice_id\":\"INV-1\"}",
            preserved("/invoice_id", "inv-1", "INV-1")),
        kept("a bare numeric id may be quoted", "{invoice_id: 1234,}", "{\"invoice_id\":\"1234\"}"),
        kept(
            "escapes are decoded before comparing",
            "{'invoice_id': 'INV\\u002D1', customer: {name: 'O\\'Brien'},}",
            "{\"invoice_id\":\"INV-1\",\"customer\":{\"name\":\"O'Brien\"}}"),
        kept(
            "text is compared in NFC, as the repair is",
            "{customer: {name: 'Cafe\\u0301'},}",
            "{\"customer\":{\"name\":\"Caf\u00e9\"}}"),
        broken(
            "a date changed",
            "{due_date: '2026-01-02',}",
            "{\"due_date\":\"2026-02-01\"}",
            preserved("/due_date", "2026-01-02", "2026-02-01")),
        broken(
            "a date reformatted",
            "{due_date: '2026-1-2',}",
            "{\"due_date\":\"2026-01-02\"}",
            preserved("/due_date", "2026-1-2", "2026-01-02")),
        broken(
            "a field the original never wrote is invented",
            "{amount: 12,}",
            "{\"amount\":12,\"due_date\":\"2026-01-02\"}",
            preserved("/due_date", null, "2026-01-02")),
        broken(
            "a field the original wrote is dropped",
            "{amount: 12, invoice_id: 'INV-1',}",
            "{\"amount\":12}",
            preserved("/invoice_id", "INV-1", null)),
        kept("a written null may stay absent", "{amount: 12, due_date: null,}", "{\"amount\":12}"),
        broken(
            "a written null may not become a value",
            "{due_date: null,}",
            "{\"due_date\":\"2026-01-02\"}",
            preserved("/due_date", null, "2026-01-02")),
        kept("one_of accepts a listed value", "{status: 'sent',}", "{\"status\":\"sent\"}"),
        kept("one_of accepts an absent field", "{amount: 1,}", "{\"amount\":1}"),
        broken(
            "one_of refuses an unlisted value",
            "{status: 'paid',}",
            "{\"status\":\"paid\"}",
            new Violation("one_of", "/status", "[\"draft\",\"sent\"]", "paid")),
        kept(
            "a name inside a string is not a member",
            "{note: \"amount: 999\", amount: 12,}",
            "{\"amount\":12}"),
        kept(
            "commented-out members do not count",
            "{\n// \"amount\": 999,\n/* amount: 998, */ # amount: 997\n\"amount\": 12,}",
            "{\"amount\":12}"),
        kept(
            "a nested member of the same name is another field",
            "{amount: 12, items: [{amount: 5}, {amount: 7}],}",
            "{\"amount\":12,\"items\":[{\"amount\":5},{\"amount\":7}]}"),
        broken(
            "a field written twice with two values keeps neither",
            "{amount: 12, amount: 13}",
            "{\"amount\":12}",
            preserved("/amount", "13", "12")),
        kept(
            "a missing comma does not glue two members",
            "{\"amount\": 12 \"currency\": \"EUR\"}",
            "{\"amount\":12,\"currency\":\"EUR\"}"),
        kept(
            "prose and a code fence around the object",
            "Here is the invoice:\n```json\n{amount: 12, currency: 'EUR'}\n```",
            "{\"amount\":12,\"currency\":\"EUR\"}"),
        kept(
            "members with no braces belong to the root",
            "amount: 12, currency: EUR",
            "{\"amount\":12,\"currency\":\"EUR\"}"),
        broken(
            "a value cut short may not be completed",
            "{\"amount\": 12, \"currency\": \"EU",
            "{\"amount\":12,\"currency\":\"EUR\"}",
            preserved("/currency", "EU", "EUR")),
        broken(
            "a string missing its closing quote reads to the line end",
            "{\"invoice_id\": \"INV-1,\n \"amount\": 12}",
            "{\"invoice_id\":\"INV-1\",\"amount\":12}",
            preserved("/invoice_id", "INV-1,", "INV-1")),
        broken(
            "an object where the original wrote one is never equal",
            "{amount: {value: 12}}",
            "{\"amount\":12}",
            preserved("/amount", "(object or array)", "12")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void shouldFindExactlyTheBrokenInvariants(
      String original, String repaired, List<Violation> expected) {
    assertThat(RULES.check(original, Json.parse(repaired))).containsExactlyElementsOf(expected);
  }

  @Test
  void shouldReportEveryBrokenRuleInRuleOrder() {
    List<Violation> violations =
        RULES.check(
            "{amount: 12, currency: EUR, invoice_id: A, status: sent}",
            Json.parse("{\"amount\":13,\"currency\":\"USD\",\"status\":\"void\"}"));

    assertThat(violations)
        .extracting(Violation::field)
        .containsExactly("/amount", "/currency", "/invoice_id", "/status");
  }

  @Test
  void shouldSerialiseAViolationWithItsFourNamesAndExplicitNulls() {
    assertThat(Json.toText(preserved("/due_date", null, "2026-01-02")))
        .isEqualTo(
            "{\"rule\":\"preserved\",\"field\":\"/due_date\",\"expected\":null,"
                + "\"actual\":\"2026-01-02\"}");
  }

  @Test
  void shouldCutLongValuesShownInAViolation() {
    String long1 = "9".repeat(10_000);

    List<Violation> violations =
        RULES.check("{invoice_id: '" + long1 + "'}", Json.parse("{\"invoice_id\":\"x\"}"));

    assertThat(violations.get(0).expected()).hasSize(Violation.MAX_SHOWN).endsWith("…");
  }

  static Stream<Arguments> hostile() {
    int size = 1 << 20; // four times the default body limit
    return Stream.of(
        Arguments.of(named("deep braces", "{".repeat(size))),
        Arguments.of(named("deep members", "{\"amount\":".repeat(size / 10))),
        Arguments.of(named("deep arrays of values", "[".repeat(size / 2) + "1,".repeat(size / 4))),
        Arguments.of(named("the field written again and again", "amount: 1,".repeat(size / 10))),
        Arguments.of(named("a million-digit amount", "{amount: " + "1".repeat(size) + "}")),
        Arguments.of(named("unclosed comments", "/*".repeat(size / 2))),
        Arguments.of(named("escapes", "\"" + "\\\\".repeat(size / 2))),
        Arguments.of(named("unclosed quotes", "'a\n".repeat(size / 3))),
        Arguments.of(named("spaces before quotes", "{amount: 1" + " '".repeat(size / 2))),
        Arguments.of(named("words without colons", "amount ".repeat(size / 7))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void shouldReadHostileTextInLinearTime(String original) {
    JsonNode repaired = Json.parse("{\"amount\":1}");

    // A quadratic scan of a mebibyte would take minutes; a linear one takes milliseconds.
    List<Violation> violations =
        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> RULES.check(original, repaired));

    assertThat(violations).isNotNull();
  }

  static Stream<Arguments> badRules() {
    return Stream.of(
        Arguments.of(
            named("not an array", "{\"rule\":\"preserved\"}"), "must be an array of rules"),
        Arguments.of(
            named("unknown rule", "[{\"rule\":\"same\",\"field\":\"/a\"}]"), "unknown rule"),
        Arguments.of(
            named("unknown kind", "[{\"rule\":\"preserved\",\"field\":\"/a\",\"kind\":\"money\"}]"),
            "\"kind\" must be one of amount, code, id, date, text"),
        Arguments.of(
            named("missing kind", "[{\"rule\":\"preserved\",\"field\":\"/a\"}]"),
            "\"kind\" must be one of"),
        Arguments.of(
            named(
                "field not a pointer",
                "[{\"rule\":\"preserved\",\"field\":\"a\",\"kind\":\"id\"}]"),
            "\"field\" must be a JSON pointer"),
        Arguments.of(
            named("missing field", "[{\"rule\":\"preserved\",\"kind\":\"id\"}]"),
            "\"field\" must be a JSON pointer"),
        Arguments.of(
            named(
                "misspelt member", "[{\"rule\":\"preserved\",\"field\":\"/a\",\"kinds\":\"id\"}]"),
            "unknown member \"kinds\""),
        Arguments.of(
            named(
                "one_of without values", "[{\"rule\":\"one_of\",\"field\":\"/s\",\"values\":[]}]"),
            "\"values\" must be a non-empty array"),
        Arguments.of(
            named(
                "one_of with a number", "[{\"rule\":\"one_of\",\"field\":\"/s\",\"values\":[1]}]"),
            "\"values\" must hold strings only"),
        Arguments.of(named("a rule that is no object", "[\"preserved\"]"), "a rule is an object"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRules")
  void shouldRefuseABadRuleWhenCompiling(String invariants, String message) {
    assertThatThrownBy(() -> Invariants.compile(Json.parse(invariants)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void shouldNameTheRuleThatFailedToCompile() {
    assertThatThrownBy(
            () ->
                Invariants.compile(
                    Json.parse(
                        "[{\"rule\":\"preserved\",\"field\":\"/a\",\"kind\":\"id\"},"
                            + "{\"rule\":\"preserved\",\"field\":\"/b\",\"kind\":\"x\"}]")))
        .hasMessageStartingWith("invariant 1 ");
  }

  @Test
  void shouldRefuseARepairThatBreaksTheShippedInvoiceMappingsInvariants() {
    Transformations transformations =
        Transformations.standard(new Admission(Admission.Limits.defaults()));
    String original =
        "{invoice_id: 'INV-7', amount: '99.90', currency: 'eur', customer_name: 'ACME' "
            + "description: 'Oct'}";
    ObjectNode payload = Json.MAPPER.createObjectNode();
    payload.putArray("tool_calls").addObject().putObject("function").put("arguments", original);

    Outcome kept =
        transformations.applyRepaired(
            "openai.tooluse.invoice.v1",
            "invoice.iso20022.v1",
            payload,
            original,
            "{\"invoice_id\":\"INV-7\",\"amount\":99.9,\"currency\":\"EUR\","
                + "\"customer_name\":\"ACME\",\"description\":\"Oct\"}");
    Outcome changed =
        transformations.applyRepaired(
            "openai.tooluse.invoice.v1",
            "invoice.iso20022.v1",
            payload,
            original,
            "{\"invoice_id\":\"INV-8\",\"amount\":999,\"currency\":\"USD\","
                + "\"customer_name\":\"ACME Corp\"}");

    assertThat(kept)
        .isInstanceOfSatisfying(
            Outcome.Normalized.class,
            normalized -> {
              assertThat(normalized.repair()).isEqualTo(RepairStep.LLM_FALLBACK);
              assertThat(normalized.document().at("/Document/Invoice/TotalMinor").asLong())
                  .isEqualTo(9990);
            });
    assertThat(changed)
        .isInstanceOfSatisfying(
            Outcome.Rejected.class,
            rejected -> {
              assertThat(rejected.code()).isEqualTo(ErrorCode.SEMANTIC_VIOLATION);
              assertThat(rejected.violations().findValuesAsText("field"))
                  .containsExactly(
                      "/amount", "/currency", "/invoice_id", "/customer_name", "/description");
              assertThat(rejected.violations().get(0).get("expected").asText()).isEqualTo("99.90");
              assertThat(rejected.violations().get(0).get("actual").asText()).isEqualTo("999");
            });
  }

  @Test
  void shouldCountViolationsByRule() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RepairMetrics metrics = new RepairMetrics(meters);

    metrics.semanticViolations(
        List.of(
            preserved("/amount", "1", "2"),
            preserved("/currency", "EUR", "USD"),
            new Violation("one_of", "/status", "[\"a\"]", "b")));

    assertThat(meters.get("signet_semantic_violation").tag("rule", "preserved").counter().count())
        .isEqualTo(2.0);
    assertThat(meters.get("signet_semantic_violation").tag("rule", "one_of").counter().count())
        .isEqualTo(1.0);
  }
}
