package dev.signet.ingress.billing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.billing.reserved.Allowance;
import dev.signet.core.billing.reserved.ReservedConfigParser;
import dev.signet.core.billing.reserved.TenantReservation;
import dev.signet.core.billing.reserved.UnitType;
import dev.signet.core.billing.tiers.TierPricing;
import dev.signet.core.json.Json;
import dev.signet.ingress.billing.BillingQueries.ChargeRow;
import dev.signet.ingress.billing.BillingQueries.PeriodTotalRow;
import dev.signet.ingress.billing.BillingQueries.ReservationRow;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The body of {@code GET /v1/billing/usage}: reserved against used per unit type, overage by band
 * as charged, the amount so far and a linear projection to the month's end, computed from rows of
 * the billing tables. Pure: the same rows and {@code asOf} give the same view.
 */
final class UsageView {

  private UsageView() {}

  static ObjectNode of(
      String tenant,
      YearMonth period,
      Instant asOf,
      Optional<ReservationRow> reservationRow,
      List<PeriodTotalRow> totals,
      List<ChargeRow> charges) {
    Optional<TenantReservation> reservation = reservationRow.flatMap(r -> parse(tenant, r));
    Currency currency =
        reservation
            .map(TenantReservation::currency)
            .or(() -> charges.stream().findFirst().map(c -> Currency.getInstance(c.currency())))
            .orElse(Currency.getInstance(ReservedConfigParser.DEFAULT_CURRENCY));
    Instant start = period.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant end = period.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);

    ObjectNode view = Json.MAPPER.createObjectNode();
    view.put("tenant", tenant);
    view.put("period", period.toString());
    view.put("period_start", start.toString());
    view.put("period_end", end.toString());
    view.put("as_of", asOf.toString());
    view.put("currency", currency.getCurrencyCode());
    ObjectNode reservationInfo = view.putObject("reservation");
    reservationRow.ifPresentOrElse(
        r -> {
          reservationInfo.put("configured", true);
          reservationInfo.put("version", r.version());
          reservationInfo.put("changed_at", r.changedAt().toString());
          reservationInfo.put("changed_by", r.changedBy());
        },
        () -> reservationInfo.put("configured", false));
    List<String> warnings = new ArrayList<>();
    BigDecimal total = zero(currency);
    ObjectNode types = view.putObject("types");
    for (UnitType type : UnitType.values()) {
      Allowance allowance = reservation.map(t -> t.allowance(type)).orElse(Allowance.NONE);
      Optional<PeriodTotalRow> used =
          totals.stream().filter(t -> t.type().equals(type.wireName())).findFirst();
      List<ChargeRow> ofType =
          charges.stream().filter(c -> c.type().equals(type.wireName())).toList();
      BigDecimal amount =
          typeView(
              types.putObject(type.wireName()),
              allowance,
              currency,
              used,
              ofType,
              start,
              end,
              asOf,
              warnings);
      total = total.add(amount);
    }
    view.put("amount_so_far", total.toPlainString());
    view.set("warnings", Json.MAPPER.valueToTree(warnings));
    return view;
  }

  private static BigDecimal typeView(
      ObjectNode out,
      Allowance allowance,
      Currency currency,
      Optional<PeriodTotalRow> total,
      List<ChargeRow> charges,
      Instant start,
      Instant end,
      Instant asOf,
      List<String> warnings) {
    long used = total.map(PeriodTotalRow::units).orElse(0L);
    out.put("reserved", allowance.reserved());
    out.put("used", used);
    out.put("overage_units", Math.max(0, used - allowance.reserved()));
    total.ifPresent(t -> out.put("usage_updated_at", t.updatedAt().toString()));

    // Charges grouped by band and price: a config change mid-month may reprice a band.
    record BandKey(int band, BigDecimal unitPrice) {}
    Map<BandKey, long[]> units =
        new TreeMap<>(Comparator.comparingInt(BandKey::band).thenComparing(BandKey::unitPrice));
    Map<BandKey, BigDecimal> amounts =
        new TreeMap<>(Comparator.comparingInt(BandKey::band).thenComparing(BandKey::unitPrice));
    BigDecimal amount = zero(currency);
    long chargedUnits = 0;
    for (ChargeRow charge : charges) {
      if (!charge.currency().equals(currency.getCurrencyCode())) {
        warnings.add(
            "charge "
                + charge.chargeId()
                + " is in "
                + charge.currency()
                + ", not "
                + currency.getCurrencyCode()
                + ": left out of the amounts");
        continue;
      }
      BandKey key = new BandKey(charge.band(), charge.unitPrice().stripTrailingZeros());
      units.computeIfAbsent(key, k -> new long[1])[0] += charge.units();
      amounts.merge(key, charge.amount(), BigDecimal::add);
      amount = amount.add(charge.amount());
      chargedUnits += charge.units();
    }
    out.put("charged_units", chargedUnits);
    ArrayNode bands = out.putArray("overage_by_band");
    units.forEach(
        (key, n) -> {
          ObjectNode band = bands.addObject();
          band.put("band", key.band());
          band.put("units", n[0]);
          band.put("unit_price", key.unitPrice().toPlainString());
          band.put("amount", scaled(amounts.get(key), currency).toPlainString());
        });
    amount = scaled(amount, currency);
    out.put("amount_so_far", amount.toPlainString());
    charges.stream()
        .map(ChargeRow::windowEnd)
        .max(Comparator.naturalOrder())
        .ifPresent(t -> out.put("charged_through", t.toString()));
    charges.stream()
        .map(ChargeRow::chargedAt)
        .max(Comparator.naturalOrder())
        .ifPresent(t -> out.put("last_charged_at", t.toString()));

    long projected = project(used, start, end, asOf);
    ObjectNode projection = out.putObject("projection");
    projection.put("estimate", true);
    projection.put("method", "linear: used x month length / elapsed, priced by today's tiers");
    projection.put("units", projected);
    projection.put("overage_units", Math.max(0, projected - allowance.reserved()));
    projection.put(
        "amount",
        scaled(TierPricing.charge(allowance, currency, projected).total(), currency)
            .toPlainString());
    return amount;
  }

  /**
   * Used units extrapolated linearly to the month's end, rounded down: {@code used × month length /
   * elapsed}, in milliseconds. A month that has ended projects its total; one not yet begun, 0.
   */
  static long project(long used, Instant start, Instant end, Instant asOf) {
    if (!asOf.isBefore(end)) {
      return used;
    }
    long elapsed = Duration.between(start, asOf).toMillis();
    if (elapsed <= 0) {
      return used;
    }
    long length = Duration.between(start, end).toMillis();
    BigInteger projected =
        BigInteger.valueOf(used)
            .multiply(BigInteger.valueOf(length))
            .divide(BigInteger.valueOf(elapsed));
    return projected.bitLength() > 63 ? Long.MAX_VALUE : projected.longValue();
  }

  private static Optional<TenantReservation> parse(String tenant, ReservationRow row) {
    ObjectNode wrapper = Json.MAPPER.createObjectNode();
    wrapper.set(tenant, row.reservation());
    return ReservedConfigParser.parse(Json.toText(wrapper)) instanceof ReservedConfigParser.Parsed p
        ? p.config().tenant(tenant)
        : Optional.empty();
  }

  private static BigDecimal zero(Currency currency) {
    return BigDecimal.ZERO.setScale(currency.getDefaultFractionDigits());
  }

  /** At least the currency's minor unit; never rounds (charges are already rounded). */
  private static BigDecimal scaled(BigDecimal amount, Currency currency) {
    return amount.scale() >= currency.getDefaultFractionDigits()
        ? amount
        : amount.setScale(currency.getDefaultFractionDigits());
  }
}
