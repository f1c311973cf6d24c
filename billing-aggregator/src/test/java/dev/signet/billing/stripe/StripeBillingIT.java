package dev.signet.billing.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ledger check, push, ledger write against a real PostgreSQL and the real stripe-java client on a
 * loopback stub. Each test bills its own charge ids, so tests share the database.
 */
class StripeBillingIT {

  private static final Instant NOW = Instant.parse("2026-01-31T23:59:00Z");

  private static EmbeddedPostgres postgres;
  private static DataSource dataSource;

  private StripeStub stripe;
  private SimpleMeterRegistry registry;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.start();
    dataSource = postgres.getPostgresDatabase();
    PushLedger.migrate(dataSource);
    // A second start-up finds the schema current.
    PushLedger.migrate(dataSource);
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @BeforeEach
  void startStripe() throws Exception {
    stripe = new StripeStub();
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void stopStripe() {
    stripe.close();
  }

  private StripeBilling billing(PushLedger ledger) {
    MeterEventPusher pusher =
        new MeterEventPusher(
            StripeConfig.defaults("sk_test_stub", stripe.baseUrl())
                .withRetries(3, Duration.ofMillis(10), Duration.ofSeconds(2)),
            registry);
    return new StripeBilling(ledger, pusher, registry, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static MeterCharge charge() {
    return new MeterCharge(
        "chg_" + UUID.randomUUID(), "acme", "cus_acme", "signet_fu_band2", 1_250);
  }

  private double outcomes(String outcome) {
    return registry.get(StripeBilling.PUSHES).tag("outcome", outcome).counter().count();
  }

  @Test
  void shouldPushOnceAndRecordTheLedgerRow() throws Exception {
    MeterCharge charge = charge();

    PushOutcome outcome = billing(new PushLedger(dataSource)).bill(charge);

    assertThat(outcome).isEqualTo(new PushOutcome.Pushed("req_1", 1));
    assertThat(stripe.requests()).hasSize(1);
    assertThat(stripe.requests().get(0).form())
        .containsEntry("event_name", "signet_fu_band2")
        .containsEntry("payload[stripe_customer_id]", "cus_acme")
        .containsEntry("payload[value]", "1250")
        .containsEntry("identifier", charge.chargeId());
    assertThat(new PushLedger(dataSource).find(charge.chargeId()))
        .contains(new PushLedger.Entry(charge, charge.chargeId(), NOW, "req_1"));
    assertThat(outcomes("pushed")).isEqualTo(1);
  }

  @Test
  void shouldNeverPushARecordedChargeAgainEvenAfterARestart() throws Exception {
    MeterCharge charge = charge();
    billing(new PushLedger(dataSource)).bill(charge);

    PushOutcome again = billing(new PushLedger(dataSource)).bill(charge);

    assertThat(again).isEqualTo(new PushOutcome.AlreadyPushed());
    assertThat(stripe.requests()).hasSize(1);
    assertThat(outcomes("already_pushed")).isEqualTo(1);
  }

  @Test
  void shouldRecordNothingWhenEveryAttemptFails() throws Exception {
    stripe.then(
        new StripeStub.Status(500, null),
        new StripeStub.Status(500, null),
        new StripeStub.Status(500, null));
    MeterCharge charge = charge();

    PushOutcome outcome = billing(new PushLedger(dataSource)).bill(charge);

    assertThat(outcome).isInstanceOf(PushOutcome.Failed.class);
    assertThat(((PushOutcome.Failed) outcome).attempts()).isEqualTo(3);
    assertThat(stripe.requests()).hasSize(3);
    assertThat(new PushLedger(dataSource).isRecorded(charge.chargeId())).isFalse();
    assertThat(outcomes("failed")).isEqualTo(1);
  }

  @Test
  void shouldRepushWithTheSameIdentifierAfterACrashBeforeTheLedgerWrite() throws Exception {
    MeterCharge charge = charge();
    AtomicBoolean crashed = new AtomicBoolean();
    PushLedger dyingLedger =
        new PushLedger(dataSource) {
          @Override
          public boolean record(MeterCharge c, Instant pushedAt, String responseId)
              throws SQLException {
            crashed.set(true);
            throw new SQLException("connection lost between Stripe's success and the ledger");
          }
        };

    assertThatThrownBy(() -> billing(dyingLedger).bill(charge)).isInstanceOf(SQLException.class);
    assertThat(crashed).isTrue();
    assertThat(new PushLedger(dataSource).isRecorded(charge.chargeId())).isFalse();

    // The restarted process.
    StripeBilling restarted = billing(new PushLedger(dataSource));
    assertThat(restarted.bill(charge)).isInstanceOf(PushOutcome.Pushed.class);
    assertThat(restarted.bill(charge)).isEqualTo(new PushOutcome.AlreadyPushed());

    assertThat(stripe.requests())
        .extracting(r -> r.form().get("identifier"))
        .containsExactly(charge.chargeId(), charge.chargeId());
    assertThat(ledgerRows(charge.chargeId())).isEqualTo(1);
  }

  @Test
  void shouldKeepItsOwnMigrationHistory() throws Exception {
    try (Connection c = dataSource.getConnection();
        ResultSet r =
            c.getMetaData()
                .getTables(null, "public", PushLedger.HISTORY_TABLE, new String[] {"TABLE"})) {
      assertThat(r.next()).isTrue();
    }
    try (Connection c = dataSource.getConnection();
        ResultSet r = c.getMetaData().getTables(null, "public", "flyway_schema_history", null)) {
      assertThat(r.next()).isFalse();
    }
  }

  private static int ledgerRows(String chargeId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT count(*) FROM stripe_push_ledger WHERE charge_id = ?")) {
      s.setString(1, chargeId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }
}
