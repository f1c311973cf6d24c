package dev.signet.billing.ledger;

import dev.signet.core.json.Json;
import dev.signet.core.message.OverageCharge;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.ReservedConfigChange;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The finance tables of {@code V2__billing_views.sql}, written idempotently so that a batch
 * re-delivered after a crash changes nothing: charges are inserted once ({@code ON CONFLICT DO
 * NOTHING}, the charge id is deterministic), period totals only grow ({@code GREATEST}), a
 * reservation is the latest {@code set} (a {@code removed} deletes it), and a dead letter is
 * replaced by the charge's latest failure and deleted once the charge is pushed.
 */
final class LedgerTables {

  private final DataSource dataSource;

  LedgerTables(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Writes one poll's records in one transaction: all of them or none. */
  void materialise(LedgerBatch batch) throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        insertCharges(c, batch);
        upsertTotals(c, batch);
        applyReservations(c, batch);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static void insertCharges(Connection c, LedgerBatch batch) throws SQLException {
    if (batch.charges().isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO billing_charges (charge_id, tenant, period, unit_type, band, units,"
                + " unit_price, amount, currency, used_before, used_after, window_start,"
                + " window_end, stripe_event_name, stripe_customer, charged_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (charge_id) DO NOTHING")) {
      for (OverageCharge charge : batch.charges()) {
        s.setString(1, charge.chargeId());
        s.setString(2, charge.tenant());
        s.setString(3, charge.period());
        s.setString(4, charge.type());
        s.setInt(5, charge.band());
        s.setLong(6, charge.units());
        s.setBigDecimal(7, new BigDecimal(charge.unitPrice()));
        s.setBigDecimal(8, new BigDecimal(charge.amount()));
        s.setString(9, charge.currency());
        s.setLong(10, charge.usedBefore());
        s.setLong(11, charge.usedAfter());
        s.setTimestamp(12, timestamp(charge.window().start()));
        s.setTimestamp(13, timestamp(charge.window().end()));
        s.setString(14, charge.stripeEventName());
        s.setString(15, charge.stripeCustomer());
        s.setTimestamp(16, timestamp(charge.chargedAt()));
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static void upsertTotals(Connection c, LedgerBatch batch) throws SQLException {
    if (batch.totals().isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO billing_period_totals (tenant, period, unit_type, units, updated_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, period, unit_type) DO UPDATE SET"
                + " units = GREATEST(billing_period_totals.units, EXCLUDED.units),"
                + " updated_at = GREATEST(billing_period_totals.updated_at, EXCLUDED.updated_at)")) {
      for (PeriodTotal total : batch.totals()) {
        s.setString(1, total.tenant());
        s.setString(2, total.period());
        s.setString(3, total.type());
        s.setLong(4, total.units());
        s.setTimestamp(5, timestamp(total.updatedAt()));
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** One statement per change, in topic order: a tenant's later change must win. */
  private static void applyReservations(Connection c, LedgerBatch batch) throws SQLException {
    if (batch.reservations().isEmpty()) {
      return;
    }
    try (PreparedStatement upsert =
            c.prepareStatement(
                "INSERT INTO billing_reservations (tenant, reservation, version, changed_at,"
                    + " changed_by) VALUES (?, ?::jsonb, ?, ?, ?) ON CONFLICT (tenant) DO UPDATE"
                    + " SET reservation = EXCLUDED.reservation, version = EXCLUDED.version,"
                    + " changed_at = EXCLUDED.changed_at, changed_by = EXCLUDED.changed_by");
        PreparedStatement delete =
            c.prepareStatement("DELETE FROM billing_reservations WHERE tenant = ?")) {
      for (ReservedConfigChange change : batch.reservations()) {
        if (change.removed()) {
          delete.setString(1, change.tenant());
          delete.executeUpdate();
        } else {
          upsert.setString(1, change.tenant());
          upsert.setString(2, Json.toText(change.reservation()));
          upsert.setString(3, change.version());
          upsert.setTimestamp(4, timestamp(change.changedAt()));
          upsert.setString(5, change.changedBy());
          upsert.executeUpdate();
        }
      }
    }
  }

  /** Records (or replaces) the dead letter of a charge Stripe did not accept. */
  void deadLetter(OverageCharge charge, String reason, int attempts, Instant at)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO stripe_push_dead_letters (charge_id, tenant, reason, attempts,"
                    + " failed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (charge_id) DO UPDATE SET"
                    + " reason = EXCLUDED.reason, attempts = EXCLUDED.attempts,"
                    + " failed_at = EXCLUDED.failed_at")) {
      s.setString(1, charge.chargeId());
      s.setString(2, charge.tenant());
      s.setString(3, reason);
      s.setInt(4, attempts);
      s.setTimestamp(5, Timestamp.from(at));
      s.executeUpdate();
      commit(c);
    }
  }

  /** Forgets the dead letter of a charge now in the push ledger; true if there was one. */
  boolean clearDeadLetter(String chargeId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("DELETE FROM stripe_push_dead_letters WHERE charge_id = ?")) {
      s.setString(1, chargeId);
      boolean deleted = s.executeUpdate() == 1;
      commit(c);
      return deleted;
    }
  }

  /** How many charges wait in {@code stripe_push_dead_letters} for an operator. */
  long deadLetters() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM stripe_push_dead_letters");
        ResultSet r = s.executeQuery()) {
      r.next();
      long count = r.getLong(1);
      commit(c);
      return count;
    }
  }

  private static void commit(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  private static Timestamp timestamp(String rfc3339) {
    return Timestamp.from(Instant.parse(rfc3339));
  }
}
