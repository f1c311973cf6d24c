package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.error.ErrorCode;
import java.util.Currency;

/**
 * {@code invoice.iso20022.v1} → itself: producers that already speak the target get it validated.
 */
final class LegacyIso20022Passthrough implements LegacyTransformer {

  static final String TYPE = "invoice.iso20022.v1";

  @Override
  public String payloadType() {
    return TYPE;
  }

  @Override
  public String targetType() {
    return TYPE;
  }

  @Override
  public Outcome transform(JsonNode payload) {
    JsonNode invoice = payload == null ? null : payload.path("Document").path("Invoice");
    if (invoice == null || !invoice.isObject()) {
      return Outcome.rejected(ErrorCode.SCHEMA_INVALID, "/Document/Invoice must be an object");
    }
    if (!invoice.path("Id").isTextual() || invoice.path("Id").textValue().isBlank()) {
      return Outcome.rejected(
          ErrorCode.SCHEMA_INVALID, "/Document/Invoice/Id must be a non-empty string");
    }
    if (!invoice.path("TotalMinor").canConvertToExactIntegral()
        || !invoice.path("TotalMinor").isNumber()) {
      return Outcome.rejected(
          ErrorCode.SCHEMA_INVALID, "/Document/Invoice/TotalMinor must be an integer");
    }
    if (invoice.path("TotalMinor").asLong() < 0) {
      return Outcome.rejected(
          ErrorCode.SEMANTIC_VIOLATION, "/Document/Invoice/TotalMinor must not be negative");
    }
    try {
      Currency.getInstance(invoice.path("Currency").asText());
    } catch (IllegalArgumentException e) {
      return Outcome.rejected(
          ErrorCode.SCHEMA_INVALID, "/Document/Invoice/Currency must be an ISO 4217 code");
    }
    if (!invoice.path("Party").path("Name").isTextual()) {
      return Outcome.rejected(
          ErrorCode.SCHEMA_INVALID, "/Document/Invoice/Party/Name must be a string");
    }
    return new Outcome.Normalized(payload);
  }
}
