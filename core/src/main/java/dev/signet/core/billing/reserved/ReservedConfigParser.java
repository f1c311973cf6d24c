package dev.signet.core.billing.reserved;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the reserved-capacity file of {@code SP_RESERVED_CONFIG}: a JSON object of tenant id →
 * {@code {vex_reserved, fu_reserved, vex_overage_tiers, fu_overage_tiers, currency}}.
 *
 * <p>Files of the Python original load as they are: unknown fields ({@code subscription_plan},
 * {@code vex_reserved_item}, …) are ignored, a band may omit {@code stripe_item}, a missing band
 * list means overage of that type is not billed, and prices may be JSON numbers. Numbers are read
 * as exact decimals (Jackson's {@code USE_BIG_DECIMAL_FOR_FLOATS}), never through a double. The
 * allowances are required: a tenant whose {@code vex_reserved} is missing would otherwise be billed
 * overage from its first exchange.
 *
 * <p>Every problem of the file is reported at once, each naming the tenant and field.
 */
public final class ReservedConfigParser {

  public static final String DEFAULT_CURRENCY = "USD";

  private ReservedConfigParser() {}

  /** The outcome of reading a file: the config, or every reason it is refused. */
  public sealed interface Outcome permits Parsed, Invalid {}

  public record Parsed(ReservedConfig config) implements Outcome {}

  public record Invalid(List<String> reasons) implements Outcome {
    public Invalid {
      reasons = List.copyOf(reasons);
      if (reasons.isEmpty()) {
        throw new IllegalArgumentException("an invalid file has at least one reason");
      }
    }
  }

  public static Outcome parse(String json) {
    if (json == null || json.isBlank()) {
      return new Invalid(List.of("the file is empty"));
    }
    JsonNode root;
    try {
      root = Json.parse(json);
    } catch (RuntimeException e) {
      return new Invalid(List.of("the file is not valid JSON: " + e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      return new Invalid(List.of("the file must be a JSON object of tenant id -> reservation"));
    }
    List<String> reasons = new ArrayList<>();
    Map<String, TenantReservation> tenants = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      readTenant(entry.getKey(), entry.getValue(), reasons)
          .ifPresent(t -> tenants.put(t.tenant(), t));
    }
    if (!reasons.isEmpty()) {
      return new Invalid(reasons);
    }
    return new Parsed(new ReservedConfig(tenants));
  }

  private static Optional<TenantReservation> readTenant(
      String tenant, JsonNode node, List<String> reasons) {
    String where = "tenant \"" + tenant + "\"";
    if (tenant.isBlank()) {
      reasons.add("a tenant id must not be blank");
      return Optional.empty();
    }
    if (!node.isObject()) {
      reasons.add(where + ": must be a JSON object, got " + node.getNodeType());
      return Optional.empty();
    }
    int before = reasons.size();
    Currency currency = readCurrency(where, node.get("currency"), reasons);
    Long vexReserved = readCount(where, "vex_reserved", node.get("vex_reserved"), reasons);
    Long fuReserved = readCount(where, "fu_reserved", node.get("fu_reserved"), reasons);
    List<OverageBand> vexBands = readBands(where, "vex_overage_tiers", node, reasons);
    List<OverageBand> fuBands = readBands(where, "fu_overage_tiers", node, reasons);
    if (reasons.size() > before) {
      return Optional.empty();
    }
    return Optional.of(
        new TenantReservation(
            tenant,
            currency,
            new Allowance(vexReserved, vexBands),
            new Allowance(fuReserved, fuBands)));
  }

  private static Currency readCurrency(String where, JsonNode node, List<String> reasons) {
    if (node == null || node.isNull()) {
      return Currency.getInstance(DEFAULT_CURRENCY);
    }
    if (!node.isTextual()) {
      reasons.add(where + ": currency must be an ISO 4217 code, got " + node);
      return null;
    }
    String code = node.asText().trim().toUpperCase(Locale.ROOT);
    Currency currency;
    try {
      currency = Currency.getInstance(code);
    } catch (IllegalArgumentException e) {
      reasons.add(where + ": currency \"" + node.asText() + "\" is not an ISO 4217 code");
      return null;
    }
    if (currency.getDefaultFractionDigits() < 0) {
      // XAU, XXX, …: there is no minor unit to round an amount to.
      reasons.add(where + ": currency " + code + " has no minor unit to round amounts to");
      return null;
    }
    return currency;
  }

  /** A required non-negative whole number (a float like {@code 1000.0} is accepted if whole). */
  private static Long readCount(String where, String field, JsonNode node, List<String> reasons) {
    if (node == null || node.isNull()) {
      reasons.add(where + ": " + field + " is missing");
      return null;
    }
    Optional<BigInteger> whole = wholeNumber(node);
    if (whole.isEmpty()) {
      reasons.add(where + ": " + field + " must be a whole number, got " + node);
      return null;
    }
    BigInteger value = whole.get();
    if (value.signum() < 0) {
      reasons.add(where + ": " + field + " must not be negative, got " + value);
      return null;
    }
    if (value.bitLength() > 63) {
      reasons.add(where + ": " + field + " is too large, got " + value);
      return null;
    }
    return value.longValueExact();
  }

  private static Optional<BigInteger> wholeNumber(JsonNode node) {
    if (node.isIntegralNumber()) {
      return Optional.of(node.bigIntegerValue());
    }
    if (node.isNumber()) {
      BigDecimal decimal = node.decimalValue();
      if (decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0) {
        return Optional.of(decimal.toBigInteger());
      }
    }
    return Optional.empty();
  }

  private static List<OverageBand> readBands(
      String where, String field, JsonNode tenantNode, List<String> reasons) {
    JsonNode node = tenantNode.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      reasons.add(where + ": " + field + " must be a list of bands, got " + node.getNodeType());
      return List.of();
    }
    List<OverageBand> bands = new ArrayList<>();
    BigInteger width = BigInteger.ZERO;
    for (int i = 0; i < node.size(); i++) {
      String at = where + ": " + field + "[" + i + "]";
      JsonNode band = node.get(i);
      if (!band.isObject()) {
        reasons.add(at + " must be a JSON object, got " + band.getNodeType());
        continue;
      }
      Long threshold =
          readCount(where, field + "[" + i + "].threshold", band.get("threshold"), reasons);
      boolean last = i == node.size() - 1;
      if (threshold != null && threshold == 0 && !last) {
        reasons.add(
            at
                + ".threshold must be positive: only the last band, which is open-ended, may be"
                + " 0 (a threshold is the band's width, not where it starts)");
        threshold = null;
      }
      BigDecimal price = readPrice(at + ".price_per_unit", band.get("price_per_unit"), reasons);
      Optional<String> stripeItem =
          readStripeItem(at + ".stripe_item", band.get("stripe_item"), reasons);
      if (threshold != null) {
        width = width.add(BigInteger.valueOf(threshold));
      }
      if (threshold != null && price != null && stripeItem != null) {
        bands.add(new OverageBand(threshold, price, stripeItem));
      }
    }
    if (width.bitLength() > 63) {
      reasons.add(where + ": " + field + " thresholds add up to more than " + Long.MAX_VALUE);
    }
    return bands;
  }

  private static BigDecimal readPrice(String at, JsonNode node, List<String> reasons) {
    if (node == null || node.isNull()) {
      reasons.add(at + " is missing");
      return null;
    }
    BigDecimal price;
    if (node.isIntegralNumber()) {
      price = new BigDecimal(node.bigIntegerValue());
    } else if (node.isNumber() && node.isBigDecimal()) {
      price = node.decimalValue();
    } else if (node.isTextual()) {
      try {
        price = new BigDecimal(node.asText().trim());
      } catch (NumberFormatException e) {
        reasons.add(at + " must be a decimal number, got \"" + node.asText() + "\"");
        return null;
      }
    } else {
      // A double node would mean the exact digits are already lost: refuse rather than guess.
      reasons.add(at + " must be a decimal number or decimal string, got " + node);
      return null;
    }
    if (price.signum() < 0) {
      reasons.add(at + " must not be negative, got " + price.toPlainString());
      return null;
    }
    return price;
  }

  /** Absent is allowed (Python files); present must be a non-blank string. Null on error. */
  private static Optional<String> readStripeItem(String at, JsonNode node, List<String> reasons) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      reasons.add(at + " must be a non-blank string, got " + node);
      return null;
    }
    return Optional.of(node.asText());
  }
}
