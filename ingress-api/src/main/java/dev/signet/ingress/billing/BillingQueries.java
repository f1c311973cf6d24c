package dev.signet.ingress.billing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Read-only queries over the tables billing's ledger worker materialises ({@code billing_charges},
 * {@code billing_period_totals}, {@code billing_reservations}; schema: billing's {@code
 * db/billing-migration/V2__billing_views.sql}). Every query names its tenant: a tenant's view never
 * reads another's rows. It never migrates: billing owns the schema.
 *
 * <p>In ingress rather than in billing: ingress may depend on no service but the receipt store's
 * query API, and depending on billing would bring Kafka Streams and stripe-java into the API
 * process for three SELECTs. The tables are the contract.
 */
public final class BillingQueries {

  private final DataSource dataSource;

  public BillingQueries(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /** The latest total of one unit type in one month. */
  public record PeriodTotalRow(String type, long units, Instant updatedAt) {}

  /** The reservation in force now (not necessarily the one of a past month). */
  public record ReservationRow(
      JsonNode reservation, String version, Instant changedAt, String changedBy) {}

  /** One row of {@code billing_charges}. */
  public record ChargeRow(
      String chargeId,
      String tenant,
      String period,
      String type,
      int band,
      long units,
      BigDecimal unitPrice,
      BigDecimal amount,
      String currency,
      long usedBefore,
      long usedAfter,
      Instant windowStart,
      Instant windowEnd,
      String stripeEventName,
      Instant chargedAt) {}

  public List<PeriodTotalRow> periodTotals(String tenant, String period) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT unit_type, units, updated_at FROM billing_period_totals"
                    + " WHERE tenant = ? AND period = ? ORDER BY unit_type")) {
      s.setString(1, tenant);
      s.setString(2, period);
      List<PeriodTotalRow> rows = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(new PeriodTotalRow(r.getString(1), r.getLong(2), instant(r, 3)));
        }
      }
      return rows;
    }
  }

  public Optional<ReservationRow> reservation(String tenant) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT reservation::text, version, changed_at, changed_by"
                    + " FROM billing_reservations WHERE tenant = ?")) {
      s.setString(1, tenant);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new ReservationRow(
                Json.parse(r.getString(1)), r.getString(2), instant(r, 3), r.getString(4)));
      }
    }
  }

  /** Every charge of the tenant's month, in the order billing charged them. */
  public List<ChargeRow> charges(String tenant, String period) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT charge_id, tenant, period, unit_type, band, units, unit_price, amount,"
                    + " currency, used_before, used_after, window_start, window_end,"
                    + " stripe_event_name, charged_at FROM billing_charges"
                    + " WHERE tenant = ? AND period = ?"
                    + " ORDER BY charged_at, unit_type, used_before, band, charge_id")) {
      s.setString(1, tenant);
      s.setString(2, period);
      List<ChargeRow> rows = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(
              new ChargeRow(
                  r.getString(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getInt(5),
                  r.getLong(6),
                  r.getBigDecimal(7),
                  r.getBigDecimal(8),
                  r.getString(9),
                  r.getLong(10),
                  r.getLong(11),
                  instant(r, 12),
                  instant(r, 13),
                  r.getString(14),
                  instant(r, 15)));
        }
      }
      return rows;
    }
  }

  private static Instant instant(ResultSet r, int column) throws SQLException {
    OffsetDateTime value = r.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
