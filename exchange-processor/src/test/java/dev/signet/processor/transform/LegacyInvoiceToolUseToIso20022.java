package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;

/**
 * {@code openai.tooluse.invoice.v1} → {@code invoice.iso20022.v1}. The invoice travels as the
 * JSON-string {@code arguments} of the first tool call; amounts become integer minor units at the
 * currency's ISO 4217 scale (JPY 1000 → 1000, USD 123.45 → 12345), never a double.
 */
final class LegacyInvoiceToolUseToIso20022 implements LegacyTransformer {

  static final String PAYLOAD_TYPE = "openai.tooluse.invoice.v1";

  private final Admission admission;

  LegacyInvoiceToolUseToIso20022(Admission admission) {
    this.admission = admission;
  }

  @Override
  public String payloadType() {
    return PAYLOAD_TYPE;
  }

  @Override
  public String targetType() {
    return LegacyIso20022Passthrough.TYPE;
  }

  @Override
  public Outcome transform(JsonNode payload) {
    JsonNode arguments =
        payload == null
            ? null
            : payload.path("tool_calls").path(0).path("function").path("arguments");
    if (arguments == null || !arguments.isTextual()) {
      return Outcome.rejected(
          ErrorCode.SCHEMA_INVALID, "/tool_calls/0/function/arguments must be a JSON string");
    }
    // The arguments are JSON inside a string: the same rules as the request (no duplicate names,
    // no trailing content, exact numbers), or two parsers could read two different invoices.
    Admission.Parsed parsed = admission.parseEmbedded(arguments.textValue());
    if (parsed.refused() != null) {
      ErrorCode code =
          parsed.refused().code() == ErrorCode.MALFORMED_REQUEST
              ? ErrorCode.SCHEMA_INVALID
              : parsed.refused().code();
      return Outcome.rejected(
          code, "/tool_calls/0/function/arguments: " + parsed.refused().detail());
    }
    JsonNode invoice = parsed.json();
    List<String> violations = schemaViolations(invoice);
    if (!violations.isEmpty()) {
      return Outcome.rejected(ErrorCode.SCHEMA_INVALID, String.join("; ", violations));
    }
    return toIso20022(invoice);
  }

  private static List<String> schemaViolations(JsonNode invoice) {
    List<String> violations = new ArrayList<>();
    if (!invoice.isObject()) {
      violations.add("arguments must be a JSON object");
      return violations;
    }
    requireText(invoice, "invoice_id", violations);
    requireText(invoice, "currency", violations);
    requireText(invoice, "customer_name", violations);
    if (!invoice.path("amount").isNumber()) {
      violations.add("/amount must be a number");
    }
    if (invoice.has("description") && !invoice.get("description").isTextual()) {
      violations.add("/description must be a string");
    }
    return violations;
  }

  private static void requireText(JsonNode invoice, String field, List<String> violations) {
    JsonNode value = invoice.get(field);
    if (value == null || !value.isTextual() || value.textValue().isBlank()) {
      violations.add("/" + field + " must be a non-empty string");
    }
  }

  private static Outcome toIso20022(JsonNode invoice) {
    String currencyCode = invoice.get("currency").textValue();
    Currency currency;
    try {
      currency = Currency.getInstance(currencyCode);
    } catch (IllegalArgumentException e) {
      return Outcome.rejected(
          ErrorCode.SCHEMA_INVALID, "/currency " + currencyCode + " is not an ISO 4217 code");
    }
    int scale = Math.max(currency.getDefaultFractionDigits(), 0);
    BigDecimal amount = invoice.get("amount").decimalValue();
    if (amount.signum() < 0) {
      return Outcome.rejected(ErrorCode.SEMANTIC_VIOLATION, "/amount must not be negative");
    }
    BigDecimal minor = amount.movePointRight(scale);
    if (minor.stripTrailingZeros().scale() > 0) {
      return Outcome.rejected(
          ErrorCode.SEMANTIC_VIOLATION,
          "/amount "
              + amount.toPlainString()
              + " has more decimals than "
              + currencyCode
              + " allows ("
              + scale
              + ")");
    }
    long totalMinor;
    try {
      totalMinor = minor.longValueExact();
    } catch (ArithmeticException e) {
      return Outcome.rejected(ErrorCode.SEMANTIC_VIOLATION, "/amount is too large");
    }
    if (totalMinor > (1L << 53)) {
      // Beyond 2^53 the canonical JSON number would no longer be exact.
      return Outcome.rejected(ErrorCode.SEMANTIC_VIOLATION, "/amount is too large");
    }
    ObjectNode document = Json.MAPPER.createObjectNode();
    ObjectNode invoiceOut = document.putObject("Document").putObject("Invoice");
    invoiceOut.put("Id", invoice.get("invoice_id").textValue());
    invoiceOut.put("TotalMinor", totalMinor);
    invoiceOut.put("Currency", currency.getCurrencyCode());
    invoiceOut.putObject("Party").put("Name", invoice.get("customer_name").textValue());
    if (invoice.hasNonNull("description")) {
      invoiceOut.put("Note", invoice.get("description").textValue());
    }
    return new Outcome.Normalized(document);
  }
}
