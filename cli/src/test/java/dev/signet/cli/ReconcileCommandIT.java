package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.billing.stripe.PushLedger;
import dev.signet.core.config.Env;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code signet billing reconcile} over a real PostgreSQL holding the receipt store's and billing's
 * schemas, migrated by their own migrations; Stripe is left out ({@code --skip-stripe}) except in
 * the tests of the ledger vs Stripe's meter event summaries, which ask a {@link StripeMetersStub}
 * through the real stripe-java client.
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

  /**
   * A consistent January: 3 receipts (10 FU), 1 VEx reserved, 2 over at 0.015 = 0.03, pushed within
   * January (Stripe counts it in the month it received it).
   */
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
            + "', '2026-01-31T23:59:59.9Z', 'req_1')");
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

  // Stripe: the ledger vs the meter event summaries, through the real stripe-java client.

  /** 2026-01-01T00:00:00Z and 2026-02-01T00:00:00Z: the UTC month asked of Stripe. */
  private static final String JANUARY_START = "1767225600";

  private static final String FEBRUARY_START = "1769904000";

  private static final String SUMMARIES = "/v1/billing/meters/mtr_vex/event_summaries";

  @Test
  void shouldShowTheStripeRowAsMatchingWhenStripeCountedWhatTheLedgerPushed() throws Exception {
    try (StripeMetersStub stripe =
        new StripeMetersStub()
            .meter("mtr_fu", "signet_fu")
            .meter("mtr_vex", "signet_vex")
            .summaries("mtr_vex", "cus_acme", new BigDecimal("2"))
            .summaries("mtr_vex", "cus_other", new BigDecimal("7"))) {

      Run run = reconcileWithStripe(stripe, "2026-01");

      assertThat(run.exitCode()).as(run.out()).isEqualTo(SignetCli.OK);
      assertThat(run.out())
          .containsPattern("cus_acme +signet_vex +acme +2 +2 +matches")
          .contains("no difference");
      assertThat(stripe.requests("/v1/billing/meters")).hasSize(1);
      assertThat(stripe.requests(SUMMARIES))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.method()).isEqualTo("GET");
                assertThat(r.authorization()).isEqualTo("Bearer sk_test_reconcile");
                assertThat(r.query())
                    .containsEntry("customer", "cus_acme")
                    .containsEntry("start_time", JANUARY_START)
                    .containsEntry("end_time", FEBRUARY_START);
              });
    }
  }

  @Test
  void shouldReportStripeCountingMoreThanTheLedger() throws Exception {
    // The same charge counted twice: pushed again after Stripe's 24 h deduplication window.
    try (StripeMetersStub stripe =
        new StripeMetersStub()
            .meter("mtr_vex", "signet_vex")
            .summaries("mtr_vex", "cus_acme", new BigDecimal("2"), new BigDecimal("2"))) {

      Run run = reconcileWithStripe(stripe, "2026-01");

      assertThat(run.exitCode()).as(run.out()).isEqualTo(SignetCli.INVALID);
      assertThat(run.out())
          .containsPattern("cus_acme +signet_vex +acme +2 +4 +differs")
          .containsPattern(
              "ledger vs stripe +acme +signet_vex / cus_acme +2 units +4 units at Stripe")
          .contains("1 difference(s)");
    }
  }

  @Test
  void shouldReportALedgerEventNameWithNoStripeMeter() throws Exception {
    try (StripeMetersStub stripe = new StripeMetersStub().meter("mtr_fu", "signet_fu")) {

      Run run = reconcileWithStripe(stripe, "2026-01");

      assertThat(run.exitCode()).as(run.out()).isEqualTo(SignetCli.INVALID);
      assertThat(run.out())
          .containsPattern("cus_acme +signet_vex +acme +2 +- +no meter")
          .contains("ledger vs stripe", "no Stripe meter with this event name", "1 difference(s)");
      assertThat(stripe.requests())
          .extracting(StripeMetersStub.Request::path)
          .containsExactly("/v1/billing/meters");
    }
  }

  @Test
  void shouldReadEveryPageOfMetersAndOfSummaries() throws Exception {
    StripeMetersStub stripe = new StripeMetersStub();
    try (stripe) {
      // Stripe lists at most 100 objects a page: the meter comes on the second page, and the
      // summaries (125 × 0.016 = 2 exactly) take two pages too.
      for (int i = 1; i <= 149; i++) {
        stripe.meter("mtr_" + i, "other_event_" + i);
      }
      stripe.meter("mtr_vex", "signet_vex");
      BigDecimal[] values = new BigDecimal[125];
      Arrays.fill(values, new BigDecimal("0.016"));
      stripe.summaries("mtr_vex", "cus_acme", values);

      Run run = reconcileWithStripe(stripe, "2026-01");

      assertThat(run.exitCode()).as(run.out()).isEqualTo(SignetCli.OK);
      assertThat(run.out()).containsPattern("cus_acme +signet_vex +acme +2 +2.000 +matches");
      assertThat(stripe.requests("/v1/billing/meters"))
          .extracting(r -> r.query().get("starting_after"))
          .containsExactly(null, "mtr_100");
      List<StripeMetersStub.Request> pages = stripe.requests(SUMMARIES);
      assertThat(pages)
          .extracting(r -> r.query().get("starting_after"))
          .containsExactly(null, "mtrusg_test_100");
      assertThat(pages)
          .allSatisfy(
              r ->
                  assertThat(r.query())
                      .containsEntry("customer", "cus_acme")
                      .containsEntry("start_time", JANUARY_START)
                      .containsEntry("end_time", FEBRUARY_START));
    }
  }

  @Test
  void shouldCompareTenantsSharingAStripeCustomerAsOneStripeTotal() throws Exception {
    // globex is billed to acme's Stripe customer: Stripe has one total for both tenants.
    addGlobex("cus_acme", "signet_vex");
    try (StripeMetersStub stripe =
        new StripeMetersStub()
            .meter("mtr_vex", "signet_vex")
            .summaries("mtr_vex", "cus_acme", new BigDecimal("4"))) {

      Run run = reconcileWithStripe(stripe, "2026-01");

      assertThat(run.exitCode()).as(run.out()).isEqualTo(SignetCli.OK);
      assertThat(run.out()).containsPattern("cus_acme +signet_vex +acme, globex +4 +4 +matches");
      assertThat(stripe.requests(SUMMARIES)).hasSize(1);
    }
  }

  @Test
  void shouldReportUnitsStripeCountedOnAMeterTheLedgerPushedNothingToForTheCustomer()
      throws Exception {
    addGlobex("cus_globex", "signet_vex_t2");
    try (StripeMetersStub stripe =
        new StripeMetersStub()
            .meter("mtr_vex", "signet_vex")
            .meter("mtr_vex_t2", "signet_vex_t2")
            .summaries("mtr_vex", "cus_acme", new BigDecimal("2"))
            .summaries("mtr_vex_t2", "cus_globex", new BigDecimal("2"))
            .summaries("mtr_vex_t2", "cus_acme", new BigDecimal("5"))) {

      Run run = reconcileWithStripe(stripe, "2026-01");

      assertThat(run.exitCode()).as(run.out()).isEqualTo(SignetCli.INVALID);
      assertThat(run.out())
          .containsPattern("cus_acme +signet_vex +acme +2 +2 +matches")
          .containsPattern("cus_globex +signet_vex_t2 +globex +2 +2 +matches")
          .containsPattern("cus_acme +signet_vex_t2 +acme +0 +5 +differs")
          .containsPattern(
              "ledger vs stripe +acme +signet_vex_t2 / cus_acme +0 units +5 units at Stripe")
          .contains("1 difference(s)");
      assertThat(stripe.requests("/v1/billing/meters/mtr_vex/event_summaries"))
          .extracting(r -> r.query().get("customer"))
          .containsExactlyInAnyOrder("cus_acme", "cus_globex");
    }
  }

  /** A second consistent tenant like acme (3 receipts, 2 VEx over), pushed to the given names. */
  private static void addGlobex(String customer, String eventName) throws SQLException {
    sql(
        "INSERT INTO receipts (trace_id, hop, tenant, receipt_hash, ts, body) VALUES"
            + " ('g1', 0, 'globex', 'hg1', '2026-01-04T10:00:00Z', '{}'),"
            + " ('g2', 0, 'globex', 'hg2', '2026-01-05T10:00:00Z', '{}'),"
            + " ('g3', 0, 'globex', 'hg3', '2026-01-06T10:00:00Z', '{}')",
        "INSERT INTO billing_period_totals VALUES ('globex', '2026-01', 'vex', 3, now())",
        "INSERT INTO billing_reservations SELECT 'globex', reservation, version, changed_at,"
            + " changed_by FROM billing_reservations WHERE tenant = 'acme'",
        "INSERT INTO billing_charges SELECT 'ch-globex-jan-1', 'globex', period, unit_type, band,"
            + " units, unit_price, amount, currency, used_before, used_after, window_start,"
            + " window_end, '"
            + eventName
            + "', '"
            + customer
            + "', charged_at FROM billing_charges WHERE charge_id = '"
            + CHARGE
            + "'",
        "INSERT INTO stripe_push_ledger VALUES ('ch-globex-jan-1', 'globex', '"
            + eventName
            + "', '"
            + customer
            + "', 2, 'ch-globex-jan-1', '2026-01-31T23:59:59.95Z', 'req_2')");
  }

  private record Run(int exitCode, String out) {}

  private static Run reconcileWithStripe(StripeMetersStub stripe, String period) {
    return reconcile(
        Env.of(Map.of("SP_STRIPE_API_KEY", "sk_test_reconcile")),
        period,
        "--stripe-api-base",
        stripe.baseUrl());
  }

  private static Run reconcile(String period) {
    return reconcile(Env.system(), period, "--skip-stripe");
  }

  /** {@code signet billing reconcile} of {@code period} against the test database. */
  private static Run reconcile(Env env, String period, String... options) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args =
        new ArrayList<>(
            List.of(
                "billing",
                "reconcile",
                "--period",
                period,
                "--postgres-url",
                postgres.getJdbcUrl("postgres", "postgres")));
    args.addAll(List.of(options));
    int code =
        SignetCli.commandLine(new PrintWriter(out), new PrintWriter(err), env)
            .execute(args.toArray(String[]::new));
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
