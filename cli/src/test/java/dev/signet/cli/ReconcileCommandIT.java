package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.billing.stripe.PushLedger;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code signet billing reconcile} over a real PostgreSQL holding the receipt store's and billing's
 * schemas, migrated by their own migrations. Stripe is left out ({@code --skip-stripe}).
 */
class ReconcileCommandIT {

  private static final String CHARGE = "ch-acme-jan-1";

  private static EmbeddedPostgres postgres;
  private static DataSource dataSource;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.start();
    dataSource = postgres.getPostgresDatabase();
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .table("receipt_store_schema_history")
        .load()
        .migrate();
    PushLedger.migrate(dataSource);
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  /** A consistent January: 3 receipts (10 FU), 1 VEx reserved, 2 over at 0.015 = 0.03, pushed. */
  @BeforeEach
  void consistentMonth() throws SQLException {
    sql(
        "TRUNCATE receipts, billing_period_totals, billing_charges, billing_reservations,"
            + " stripe_push_ledger, stripe_push_dead_letters",
        "INSERT INTO receipts (trace_id, hop, tenant, receipt_hash, ts, body) VALUES"
            + " ('t1', 0, 'acme', 'h1', '2026-01-03T10:00:00Z', '{\"fu_tokens\": 4}'),"
            + " ('t2', 0, 'acme', 'h2', '2026-01-31T23:59:59Z', '{\"fu_tokens\": 6}'),"
            + " ('t3', 0, 'acme', 'h3', '2026-01-10T00:00:00Z', '{\"fu_tokens\": null}'),"
            + " ('t4', 0, 'acme', 'h4', '2026-02-01T00:00:00Z', '{\"fu_tokens\": 99}')",
        "INSERT INTO billing_period_totals VALUES"
            + " ('acme', '2026-01', 'vex', 3, now()), ('acme', '2026-01', 'fu', 10, now())",
        "INSERT INTO billing_reservations VALUES ('acme', '{\"vex_reserved\": 1, \"fu_reserved\":"
            + " 100, \"vex_overage_tiers\": [{\"threshold\": 0, \"price_per_unit\": \"0.015\","
            + " \"stripe_item\": \"signet_vex\"}]}', 'v1', now(), 'startup')",
        "INSERT INTO billing_charges (charge_id, tenant, period, unit_type, band, units,"
            + " unit_price, amount, currency, used_before, used_after, window_start, window_end,"
            + " stripe_event_name, stripe_customer, charged_at) VALUES ('"
            + CHARGE
            + "', 'acme', '2026-01', 'vex', 0, 2, 0.015, 0.03, 'USD', 1, 3,"
            + " '2026-01-03T10:00:00Z', '2026-01-31T23:59:59Z', 'signet_vex', 'cus_acme',"
            + " '2026-01-31T23:59:59Z')",
        "INSERT INTO stripe_push_ledger VALUES ('"
            + CHARGE
            + "', 'acme', 'signet_vex', 'cus_acme', 2, '"
            + CHARGE
            + "', '2026-02-01T00:00:10Z', 'req_1')");
  }

  @Test
  void shouldExitZeroWhenEverythingMatches() {
    Run run = reconcile("2026-01");

    assertThat(run.exitCode()).as(run.out()).isEqualTo(SignetCli.OK);
    assertThat(run.out()).contains("no difference");
  }

  @Test
  void shouldReportAPushableChargeMissingFromTheLedger() throws SQLException {
    sql("DELETE FROM stripe_push_ledger");

    Run run = reconcile("2026-01");

    assertThat(run.exitCode()).isEqualTo(SignetCli.INVALID);
    assertThat(run.out())
        .contains("charges vs ledger", CHARGE, "missing from the ledger", "1 difference(s)");
  }

  @Test
  void shouldReportAPeriodTotalThatDisagreesWithTheReceiptsAndTheCharges() throws SQLException {
    sql("UPDATE billing_period_totals SET units = 4 WHERE unit_type = 'vex'");

    Run run = reconcile("2026-01");

    assertThat(run.exitCode()).isEqualTo(SignetCli.INVALID);
    assertThat(run.out())
        .contains("receipts vs totals", "receipts 3", "period total 4")
        .contains("charges vs tiers", "vex band 0", "3 units, 0.04 USD", "2 units, 0.03 USD");
  }

  @Test
  void shouldReportADeadLetteredCharge() throws SQLException {
    sql(
        "DELETE FROM stripe_push_ledger",
        "INSERT INTO stripe_push_dead_letters VALUES ('"
            + CHARGE
            + "', 'acme', 'HTTP 500: stub says 500', 6, now())");

    Run run = reconcile("2026-01");

    assertThat(run.exitCode()).isEqualTo(SignetCli.INVALID);
    assertThat(run.out()).contains("dead letter: HTTP 500");
  }

  private record Run(int exitCode, String out) {}

  private static Run reconcile(String period) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        SignetCli.commandLine(new PrintWriter(out), new PrintWriter(err))
            .execute(
                "billing",
                "reconcile",
                "--period",
                period,
                "--postgres-url",
                postgres.getJdbcUrl("postgres", "postgres"),
                "--skip-stripe");
    return new Run(code, out + err.toString());
  }

  private static void sql(String... statements) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }
}
