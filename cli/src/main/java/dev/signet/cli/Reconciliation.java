package dev.signet.cli;

import dev.signet.core.billing.reserved.ReservedConfigParser;
import dev.signet.core.billing.reserved.TenantReservation;
import dev.signet.core.billing.reserved.UnitType;
import dev.signet.core.billing.tiers.BandCharge;
import dev.signet.core.billing.tiers.TierCharge;
import dev.signet.core.billing.tiers.TierPricing;
import dev.signet.core.json.Json;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The comparisons of {@code signet billing reconcile} for one UTC month, over the tables of the
 * receipt store and of billing's ledger worker. Each returns every difference it finds; none
 * changes anything.
 */
final class Reconciliation {

  /** One difference: which check, whose, what, and the two sides. */
  record Difference(String check, String tenant, String item, String expected, String actual) {
    Difference {
      Objects.requireNonNull(check, "check");
    }
  }

  /**
   * Units per Stripe customer and event name, from the ledger, with the tenants that pushed them
   * ({@code tenants}: comma-separated; several when tenants share a Stripe customer).
   */
  record LedgerUnits(String tenants, String customer, String eventName, long units) {}

  static final String RECEIPTS = "receipts vs totals";
  static final String CHARGES = "charges vs tiers";
  static final String LEDGER = "charges vs ledger";
  static final String STRIPE = "ledger vs stripe";

  private final Connection db;
  private final YearMonth period;
  private final Timestamp start;
  private final Timestamp end;

  Reconciliation(Connection db, YearMonth period) {
    this.db = db;
    this.period = period;
    this.start = Timestamp.from(start(period));
    this.end = Timestamp.from(start(period.plusMonths(1)));
  }

  static Instant start(YearMonth month) {
    return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /** Receipts stored with a signed {@code ts} in the month (VEx count, FU sum) vs period totals. */
  List<Difference> receiptsVsTotals() throws SQLException {
    Map<String, long[]> stored = new TreeMap<>();
    try (PreparedStatement s =
        db.prepareStatement(
            "SELECT tenant, count(*), coalesce(sum(CASE WHEN jsonb_typeof(body::jsonb ->"
                + " 'fu_tokens') = 'number' THEN (body::jsonb ->> 'fu_tokens')::bigint END), 0)"
                + " FROM receipts WHERE ts >= ? AND ts < ? GROUP BY tenant")) {
      s.setTimestamp(1, start);
      s.setTimestamp(2, end);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          stored.put(r.getString(1), new long[] {r.getLong(2), r.getLong(3)});
        }
      }
    }
    Map<String, long[]> billed = new TreeMap<>();
    try (PreparedStatement s =
        db.prepareStatement(
            "SELECT tenant, unit_type, units FROM billing_period_totals WHERE period = ?")) {
      s.setString(1, period.toString());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          long[] units = billed.computeIfAbsent(r.getString(1), t -> new long[2]);
          units["vex".equals(r.getString(2)) ? 0 : 1] = r.getLong(3);
        }
      }
    }
    List<Difference> differences = new ArrayList<>();
    TreeSet<String> tenants = new TreeSet<>(stored.keySet());
    tenants.addAll(billed.keySet());
    for (String tenant : tenants) {
      long[] s = stored.getOrDefault(tenant, new long[2]);
      long[] b = billed.getOrDefault(tenant, new long[2]);
      for (int i = 0; i < 2; i++) {
        if (s[i] != b[i]) {
          differences.add(
              new Difference(
                  RECEIPTS,
                  tenant,
                  i == 0 ? "vex" : "fu",
                  "receipts " + s[i],
                  "period total " + b[i]));
        }
      }
    }
    return differences;
  }

  /**
   * The charges of the month, per tenant, type and band (units and amount), vs the tier formula on
   * the month's period total under the tenant's current reservation.
   */
  List<Difference> chargesVsTiers() throws SQLException {
    Map<String, TenantReservation> reservations = reservations();
    Map<String, Long> totals = new TreeMap<>();
    try (PreparedStatement s =
        db.prepareStatement(
            "SELECT tenant, unit_type, units FROM billing_period_totals WHERE period = ?")) {
      s.setString(1, period.toString());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          totals.put(r.getString(1) + "\u0000" + r.getString(2), r.getLong(3));
        }
      }
    }
    // tenant \0 type -> band -> {units, amount}
    Map<String, Map<Integer, Object[]>> charged = new TreeMap<>();
    try (PreparedStatement s =
        db.prepareStatement(
            "SELECT tenant, unit_type, band, sum(units), sum(amount) FROM billing_charges"
                + " WHERE period = ? GROUP BY tenant, unit_type, band")) {
      s.setString(1, period.toString());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          charged
              .computeIfAbsent(r.getString(1) + "\u0000" + r.getString(2), k -> new TreeMap<>())
              .put(r.getInt(3), new Object[] {r.getLong(4), r.getBigDecimal(5)});
        }
      }
    }
    TreeSet<String> keys = new TreeSet<>(totals.keySet());
    keys.addAll(charged.keySet());
    List<Difference> differences = new ArrayList<>();
    for (String key : keys) {
      String tenant = key.substring(0, key.indexOf('\u0000'));
      String type = key.substring(key.indexOf('\u0000') + 1);
      Map<Integer, Object[]> bands = charged.getOrDefault(key, Map.of());
      TenantReservation reservation = reservations.get(tenant);
      if (reservation == null) {
        if (!bands.isEmpty()) {
          differences.add(
              new Difference(CHARGES, tenant, type, "no reservation, no charges", "charges"));
        }
        continue;
      }
      TierCharge expected =
          TierPricing.charge(
              reservation.allowance(UnitType.valueOf(type.toUpperCase(Locale.ROOT))),
              reservation.currency(),
              totals.getOrDefault(key, 0L));
      Map<Integer, BandCharge> expectedBands = new HashMap<>();
      expected.bands().forEach(b -> expectedBands.put(b.band(), b));
      TreeSet<Integer> bandIds = new TreeSet<>(expectedBands.keySet());
      bandIds.addAll(bands.keySet());
      for (int band : bandIds) {
        BandCharge want = expectedBands.get(band);
        Object[] got = bands.get(band);
        long wantUnits = want == null ? 0 : want.units();
        BigDecimal wantAmount = want == null ? BigDecimal.ZERO : want.amount();
        long gotUnits = got == null ? 0 : (Long) got[0];
        BigDecimal gotAmount = got == null ? BigDecimal.ZERO : (BigDecimal) got[1];
        if (wantUnits != gotUnits || wantAmount.compareTo(gotAmount) != 0) {
          differences.add(
              new Difference(
                  CHARGES,
                  tenant,
                  type + " band " + band,
                  wantUnits
                      + " units, "
                      + wantAmount.toPlainString()
                      + " "
                      + reservation.currency(),
                  gotUnits
                      + " units, "
                      + gotAmount.toPlainString()
                      + " "
                      + reservation.currency()));
        }
      }
    }
    return differences;
  }

  /**
   * Pushable charges of the month vs the push ledger: missing, extra, units differ, dead letters.
   */
  List<Difference> chargesVsLedger() throws SQLException {
    List<Difference> differences = new ArrayList<>();
    try (PreparedStatement s =
        db.prepareStatement(
            "SELECT c.charge_id, c.tenant, c.units, l.units, d.reason FROM billing_charges c"
                + " LEFT JOIN stripe_push_ledger l ON l.charge_id = c.charge_id"
                + " LEFT JOIN stripe_push_dead_letters d ON d.charge_id = c.charge_id"
                + " WHERE c.period = ? AND c.stripe_event_name IS NOT NULL"
                + " AND c.stripe_customer IS NOT NULL ORDER BY c.tenant, c.charged_at")) {
      s.setString(1, period.toString());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String chargeId = r.getString(1);
          String tenant = r.getString(2);
          long units = r.getLong(3);
          long ledgerUnits = r.getLong(4);
          boolean inLedger = !r.wasNull();
          String deadLetter = r.getString(5);
          if (deadLetter != null) {
            differences.add(
                new Difference(
                    LEDGER,
                    tenant,
                    chargeId,
                    units + " units pushed",
                    "dead letter: " + deadLetter));
          } else if (!inLedger) {
            differences.add(
                new Difference(
                    LEDGER, tenant, chargeId, units + " units pushed", "missing from the ledger"));
          } else if (ledgerUnits != units) {
            differences.add(
                new Difference(
                    LEDGER, tenant, chargeId, units + " units", ledgerUnits + " units in ledger"));
          }
        }
      }
    }
    // A ledger row with no charge behind it, pushed from the month's start to a month after it
    // ends (charges are pushed after they are computed).
    try (PreparedStatement s =
        db.prepareStatement(
            "SELECT l.charge_id, l.tenant, l.units FROM stripe_push_ledger l"
                + " LEFT JOIN billing_charges c ON c.charge_id = l.charge_id"
                + " WHERE c.charge_id IS NULL AND l.pushed_at >= ? AND l.pushed_at < ?"
                + " ORDER BY l.tenant, l.pushed_at")) {
      s.setTimestamp(1, start);
      s.setTimestamp(2, Timestamp.from(start(period.plusMonths(2))));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          differences.add(
              new Difference(
                  LEDGER,
                  r.getString(2),
                  r.getString(1),
                  "no charge",
                  "extra ledger row of " + r.getLong(3) + " units"));
        }
      }
    }
    return differences;
  }

  /**
   * Ledger units per customer and event name of the rows pushed within the month. Grouped by
   * customer, not tenant: Stripe knows only the customer, so two tenants billed to one customer are
   * one meter total there.
   */
  List<LedgerUnits> ledgerUnitsPushedInMonth() throws SQLException {
    List<LedgerUnits> units = new ArrayList<>();
    try (PreparedStatement s =
        db.prepareStatement(
            "SELECT string_agg(DISTINCT tenant, ', ' ORDER BY tenant), customer, event_name,"
                + " sum(units) FROM stripe_push_ledger WHERE pushed_at >= ? AND pushed_at < ?"
                + " GROUP BY customer, event_name ORDER BY customer, event_name")) {
      s.setTimestamp(1, start);
      s.setTimestamp(2, end);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          units.add(new LedgerUnits(r.getString(1), r.getString(2), r.getString(3), r.getLong(4)));
        }
      }
    }
    return units;
  }

  private Map<String, TenantReservation> reservations() throws SQLException {
    Map<String, TenantReservation> reservations = new HashMap<>();
    try (PreparedStatement s =
            db.prepareStatement("SELECT tenant, reservation::text FROM billing_reservations");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        String tenant = r.getString(1);
        parse(tenant, r.getString(2)).ifPresent(t -> reservations.put(tenant, t));
      }
    }
    return reservations;
  }

  private static Optional<TenantReservation> parse(String tenant, String reservation) {
    ReservedConfigParser.Outcome outcome =
        ReservedConfigParser.parse("{" + Json.toText(tenant) + ":" + reservation + "}");
    if (outcome instanceof ReservedConfigParser.Parsed parsed) {
      return parsed.config().tenant(tenant);
    }
    throw new CliException(
        "the reservation of tenant "
            + tenant
            + " in billing_reservations does not parse: "
            + ((ReservedConfigParser.Invalid) outcome).reasons());
  }
}
