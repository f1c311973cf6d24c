package dev.signet.ingress.billing;

import dev.signet.ingress.billing.BillingQueries.ChargeRow;
import java.time.Instant;
import java.util.List;

/** Charges as RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they need it. */
final class ChargesCsv {

  static final List<String> COLUMNS =
      List.of(
          "charge_id",
          "tenant",
          "period",
          "type",
          "band",
          "units",
          "unit_price",
          "amount",
          "currency",
          "used_before",
          "used_after",
          "window_start",
          "window_end",
          "stripe_event_name",
          "charged_at");

  private ChargesCsv() {}

  static String of(List<ChargeRow> charges) {
    StringBuilder out = new StringBuilder(128 * (charges.size() + 1));
    line(out, COLUMNS);
    for (ChargeRow c : charges) {
      line(
          out,
          List.of(
              c.chargeId(),
              c.tenant(),
              c.period(),
              c.type(),
              Integer.toString(c.band()),
              Long.toString(c.units()),
              c.unitPrice().toPlainString(),
              c.amount().toPlainString(),
              c.currency(),
              Long.toString(c.usedBefore()),
              Long.toString(c.usedAfter()),
              text(c.windowStart()),
              text(c.windowEnd()),
              c.stripeEventName() == null ? "" : c.stripeEventName(),
              text(c.chargedAt())));
    }
    return out.toString();
  }

  private static String text(Instant instant) {
    return instant == null ? "" : instant.toString();
  }

  private static void line(StringBuilder out, List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(field(fields.get(i)));
    }
    out.append("\r\n");
  }

  /** RFC 4180 §2: a field with a comma, quote or line break is quoted, its quotes doubled. */
  static String field(String value) {
    if (value.indexOf(',') < 0
        && value.indexOf('"') < 0
        && value.indexOf('\r') < 0
        && value.indexOf('\n') < 0) {
      return value;
    }
    return '"' + value.replace("\"", "\"\"") + '"';
  }
}
