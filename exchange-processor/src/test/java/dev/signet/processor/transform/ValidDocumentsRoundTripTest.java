package dev.signet.processor.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.json.Json;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Property tests: a valid document comes out meaning exactly what went in. Each repetition draws
 * from a Random seeded with {@code BASE_SEED + repetition}, so a failure names the seed that
 * reproduces it (JUnit's {@code @RepeatedTest}, as in {@code ChainPropertiesTest}).
 *
 * <ul>
 *   <li>The passthrough pair returns a valid ISO invoice unchanged, node for node.
 *   <li>The tool-call pair maps valid arguments to the invoice with the same id, currency, names
 *       and note, and the amount in exact minor units at the currency's scale; read by the strict
 *       rung, no repair recorded.
 * </ul>
 */
class ValidDocumentsRoundTripTest {

  private static final long BASE_SEED = 20261206L;
  private static final String[] CURRENCIES = {"USD", "EUR", "JPY", "KWD", "CHF", "BHD", "ISK"};
  // Letters of several scripts, quotes, escapes, JSON-looking text, a precomposed é and an emoji;
  // no control characters, which the sanitiser removes by design.
  private static final String[] PIECES = {
    "a",
    "Z",
    "7",
    " ",
    "'",
    "\"",
    "\\",
    "/",
    "{",
    "}",
    ",",
    ":",
    "//",
    "/*",
    "#",
    "```",
    "\u00e9",
    "\u00d1",
    "\u6771\u4eac",
    "\u0416",
    "\u05d0",
    "\ud83d\ude00",
    "null",
    "true",
    "-0"
  };

  private final Transformations transformations =
      Transformations.standard(new Admission(Admission.Limits.defaults()));

  @RepeatedTest(300)
  void shouldPassAValidIsoInvoiceThroughUnchanged(RepetitionInfo repetition) {
    Random random = new Random(BASE_SEED + repetition.getCurrentRepetition());
    ObjectNode invoice = Json.MAPPER.createObjectNode();
    ObjectNode fields = invoice.putObject("Document").putObject("Invoice");
    fields.put("Id", text(random, true));
    fields.put("TotalMinor", random.nextLong(0, 1L << 53));
    fields.put("Currency", CURRENCIES[random.nextInt(CURRENCIES.length)]);
    fields.putObject("Party").put("Name", text(random, true));
    if (random.nextBoolean()) {
      fields.put("Note", text(random, false));
    }

    Outcome outcome =
        transformations.apply("invoice.iso20022.v1", "invoice.iso20022.v1", invoice.deepCopy());

    assertThat(outcome)
        .as("seed %d", BASE_SEED + repetition.getCurrentRepetition())
        .isInstanceOfSatisfying(
            Outcome.Normalized.class,
            normalized -> {
              assertThat(normalized.document()).isEqualTo(invoice);
              assertThat(normalized.repair()).isEqualTo(RepairStep.NONE);
            });
  }

  @RepeatedTest(300)
  void shouldMapValidToolCallArgumentsToTheSameInvoice(RepetitionInfo repetition) {
    long seed = BASE_SEED + repetition.getCurrentRepetition();
    Random random = new Random(seed);
    String currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
    int scale = java.util.Currency.getInstance(currency).getDefaultFractionDigits();
    long minor = random.nextLong(0, 1_000_000_000_000L);
    BigDecimal amount = BigDecimal.valueOf(minor, scale);
    ObjectNode arguments = Json.MAPPER.createObjectNode();
    arguments.put("invoice_id", text(random, true));
    arguments.put("amount", amount);
    arguments.put("currency", currency);
    arguments.put("customer_name", text(random, true));
    String note = random.nextBoolean() ? text(random, false) : null;
    if (note != null) {
      arguments.put("description", note);
    }
    ObjectNode payload = Json.MAPPER.createObjectNode();
    payload
        .putArray("tool_calls")
        .addObject()
        .putObject("function")
        .put("name", "create_invoice")
        .put("arguments", Json.toText(arguments));

    Outcome outcome =
        transformations.apply("openai.tooluse.invoice.v1", "invoice.iso20022.v1", payload);

    assertThat(outcome)
        .as("seed %d", seed)
        .isInstanceOfSatisfying(
            Outcome.Normalized.class,
            normalized -> {
              JsonNode out = normalized.document().at("/Document/Invoice");
              assertThat(out.get("Id").textValue()).isEqualTo(arguments.get("invoice_id").asText());
              assertThat(out.get("TotalMinor").longValue()).isEqualTo(minor);
              assertThat(out.get("Currency").textValue()).isEqualTo(currency);
              assertThat(out.at("/Party/Name").textValue())
                  .isEqualTo(arguments.get("customer_name").asText());
              if (note == null) {
                assertThat(out.has("Note")).isFalse();
              } else {
                assertThat(out.get("Note").textValue()).isEqualTo(note);
              }
              assertThat(normalized.repair()).isEqualTo(RepairStep.NONE);
            });
  }

  /** NFC text of 1..12 pieces; {@code nonBlank} keeps at least one visible character. */
  private static String text(Random random, boolean nonBlank) {
    StringBuilder text = new StringBuilder();
    int pieces = 1 + random.nextInt(12);
    for (int i = 0; i < pieces; i++) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    if (nonBlank && text.toString().isBlank()) {
      text.append('x');
    }
    return Normalizer.normalize(text, Normalizer.Form.NFC);
  }
}
