package dev.signet.billing.stripe;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The permanent push ledger ({@code stripe_push_ledger} in PostgreSQL): one row per charge Stripe
 * has accepted. A charge whose id is recorded is never pushed again, across restarts, rebalances
 * and replays, long after Stripe's ~24 h identifier deduplication has expired.
 *
 * <p>The schema is billing's own Flyway history ({@value #HISTORY_TABLE}, migrations under {@value
 * #LOCATION}), apart from the receipt store's, so the two modules can share one database.
 */
public class PushLedger {

  /** Not the default {@code flyway_schema_history}, nor the receipt store's history table. */
  static final String HISTORY_TABLE = "flyway_billing_history";

  /**
   * Not under {@code db/migration}: the receipt store migrates {@code classpath:db/migration},
   * which Flyway scans recursively, so billing's scripts there would be applied (and version-clash)
   * in the receipt store's history when both modules share a classpath, as in the launcher.
   */
  static final String LOCATION = "classpath:db/billing-migration";

  private final DataSource dataSource;

  public PushLedger(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Brings the ledger's schema up to date; safe from every instance at start-up (Flyway locks).
   * {@code baselineOnMigrate}, because the database may already hold the receipt store's tables.
   */
  public static void migrate(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations(LOCATION)
        .table(HISTORY_TABLE)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  /** Whether Stripe has accepted this charge: then it must not be pushed again. */
  public boolean isRecorded(String chargeId) throws SQLException {
    return find(chargeId).isPresent();
  }

  /** The ledger row of a charge, if Stripe has accepted it. */
  public Optional<Entry> find(String chargeId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT charge_id, tenant, event_name, customer, units, identifier, pushed_at,"
                    + " stripe_response_id FROM stripe_push_ledger WHERE charge_id = ?")) {
      s.setString(1, chargeId);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Entry(
                new MeterCharge(
                    r.getString("charge_id"),
                    r.getString("tenant"),
                    r.getString("customer"),
                    r.getString("event_name"),
                    r.getLong("units")),
                r.getString("identifier"),
                r.getTimestamp("pushed_at").toInstant(),
                r.getString("stripe_response_id")));
      }
    }
  }

  /**
   * Records that Stripe accepted {@code charge}. Idempotent: when another instance recorded the
   * same charge first (both pushed the same identifier, which Stripe deduplicated), the first row
   * stays and this returns false.
   */
  public boolean record(MeterCharge charge, Instant pushedAt, String stripeResponseId)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO stripe_push_ledger (charge_id, tenant, event_name, customer, units,"
                    + " identifier, pushed_at, stripe_response_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (charge_id) DO NOTHING")) {
      s.setString(1, charge.chargeId());
      s.setString(2, charge.tenant());
      s.setString(3, charge.eventName());
      s.setString(4, charge.customer());
      s.setLong(5, charge.units());
      s.setString(6, charge.identifier());
      s.setTimestamp(7, Timestamp.from(pushedAt));
      s.setString(8, stripeResponseId);
      boolean inserted = s.executeUpdate() == 1;
      if (!c.getAutoCommit()) {
        c.commit();
      }
      return inserted;
    }
  }

  /** One ledger row. */
  public record Entry(
      MeterCharge charge, String identifier, Instant pushedAt, String stripeResponseId) {}
}
