package dev.signet.ingress.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.billing.stripe.PushLedger;
import dev.signet.core.json.Json;
import dev.signet.ingress.IngressApplication;
import dev.signet.ingress.TestHttp;
import dev.signet.ingress.exchange.ExchangeGateway;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The finance views over HTTP against a real PostgreSQL whose billing tables billing's own
 * migration created, with rows inserted as billing's ledger worker would write them. The clock is
 * fixed at 2026-11-11T00:00Z: ten of November's thirty days have passed, so the projection is
 * exactly three times the usage so far.
 */
@SpringBootTest(
    classes = {IngressApplication.class, BillingViewsIT.FixedClock.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "signet.api-keys={"
          + "\"acme_read\":{\"tenant\":\"acme\",\"scopes\":[\"billing.read\"]},"
          + "\"acme_plain\":{\"tenant\":\"acme\"},"
          + "\"acme_admin\":{\"tenant\":\"acme\",\"scopes\":[\"admin\"]},"
          + "\"beta_read\":{\"tenant\":\"beta\",\"scopes\":[\"billing.read\"]}}",
      "signet.private-key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "signet.kafka-bootstrap=127.0.0.1:1"
    })
class BillingViewsIT {

  static final Instant NOW = Instant.parse("2026-11-11T00:00:00Z");

  private static EmbeddedPostgres postgres;

  @TestConfiguration
  static class FixedClock {
    @Bean
    @Primary
    Clock fixedBillingClock() {
      return Clock.fixed(NOW, ZoneOffset.UTC);
    }
  }

  @LocalServerPort int port;
  @MockitoBean ExchangeGateway gateway;

  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startPostgres() throws IOException, SQLException {
    postgres = EmbeddedPostgres.start();
    PushLedger.migrate(postgres.getPostgresDatabase());
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO billing_reservations VALUES ('acme', '{\"vex_reserved\": 1000,"
              + " \"fu_reserved\": 0, \"currency\": \"EUR\", \"vex_overage_tiers\": ["
              + "{\"threshold\": 1000, \"price_per_unit\": \"0.01\", \"stripe_item\": \"vex_t1\"},"
              + " {\"threshold\": 0, \"price_per_unit\": \"0.005\"}]}', 'v-acme',"
              + " '2026-11-01T00:00:00Z', 'startup')");
      s.execute(
          "INSERT INTO billing_period_totals VALUES"
              + " ('acme', '2026-11', 'vex', 3001, '2026-11-10T23:59:00Z'),"
              + " ('acme', '2026-11', 'fu', 5, '2026-11-10T23:58:00Z'),"
              + " ('acme', '2026-10', 'vex', 99999, '2026-10-31T23:59:00Z'),"
              + " ('beta', '2026-11', 'vex', 7, '2026-11-10T12:00:00Z')");
      s.execute(
          "INSERT INTO billing_charges (charge_id, tenant, period, unit_type, band, units,"
              + " unit_price, amount, currency, used_before, used_after, window_start, window_end,"
              + " stripe_event_name, stripe_customer, charged_at) VALUES"
              // Inserted out of charged order: the view sorts by charged_at.
              + " ('ch-2', 'acme', '2026-11', 'vex', 1, 1001, 0.005, 5.00, 'EUR', 2000, 3001,"
              + "  '2026-11-06T00:00:00Z', '2026-11-10T23:00:00Z', 'vex \"tier\", 2', 'cus_a',"
              + "  '2026-11-10T23:01:00Z'),"
              + " ('ch-1', 'acme', '2026-11', 'vex', 0, 1000, 0.01, 10.00, 'EUR', 1000, 2000,"
              + "  '2026-11-02T00:00:00Z', '2026-11-05T00:00:00Z', 'vex_t1', 'cus_a',"
              + "  '2026-11-05T00:01:00Z'),"
              + " ('ch-old', 'acme', '2026-10', 'vex', 0, 5, 0.01, 0.05, 'EUR', 1000, 1005,"
              + "  '2026-10-02T00:00:00Z', '2026-10-02T00:00:00Z', 'vex_t1', 'cus_a',"
              + "  '2026-10-02T00:01:00Z'),"
              + " ('ch-beta', 'beta', '2026-11', 'vex', 0, 7, 1, 7.00, 'USD', 0, 7,"
              + "  '2026-11-02T00:00:00Z', '2026-11-02T00:00:00Z', NULL, NULL,"
              + "  '2026-11-02T00:01:00Z')");
    }
  }

  @DynamicPropertySource
  static void postgresUrl(DynamicPropertyRegistry registry) {
    registry.add(
        "signet.postgres-url",
        () -> "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
    registry.add("signet.postgres-user", () -> "postgres");
    registry.add("signet.postgres-password", () -> "");
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    postgres.close();
  }

  @Test
  void shouldShowReservedUsedOverageAmountAndAnExactProjection() {
    HttpResponse<String> response = get("/v1/billing/usage?period=2026-11", "acme_read", null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode view = Json.parse(response.body());
    assertThat(view.get("tenant").asText()).isEqualTo("acme");
    assertThat(view.get("currency").asText()).isEqualTo("EUR");
    assertThat(view.get("as_of").asText()).isEqualTo("2026-11-11T00:00:00Z");
    assertThat(view.get("amount_so_far").asText()).isEqualTo("15.00");
    assertThat(view.at("/reservation/version").asText()).isEqualTo("v-acme");
    JsonNode vex = view.at("/types/vex");
    assertThat(vex.get("reserved").asLong()).isEqualTo(1000);
    assertThat(vex.get("used").asLong()).isEqualTo(3001);
    assertThat(vex.get("overage_units").asLong()).isEqualTo(2001);
    assertThat(vex.get("charged_units").asLong()).isEqualTo(2001);
    assertThat(vex.get("amount_so_far").asText()).isEqualTo("15.00");
    assertThat(vex.get("charged_through").asText()).isEqualTo("2026-11-10T23:00:00Z");
    assertThat(vex.get("usage_updated_at").asText()).isEqualTo("2026-11-10T23:59:00Z");
    assertThat(vex.get("overage_by_band"))
        .isEqualTo(
            Json.parse(
                "[{\"band\":0,\"units\":1000,\"unit_price\":\"0.01\",\"amount\":\"10.00\"},"
                    + "{\"band\":1,\"units\":1001,\"unit_price\":\"0.005\",\"amount\":\"5.00\"}]"));
    // 3001 x 30 days / 10 days = 9003 units; 8003 over the reservation: 1000 x 0.01 = 10.00,
    // then 7003 x 0.005 = 35.015, half-even to 35.02; 45.02 in all.
    assertThat(vex.at("/projection/estimate").asBoolean()).isTrue();
    assertThat(vex.at("/projection/units").asLong()).isEqualTo(9003);
    assertThat(vex.at("/projection/overage_units").asLong()).isEqualTo(8003);
    assertThat(vex.at("/projection/amount").asText()).isEqualTo("45.02");
    JsonNode fu = view.at("/types/fu");
    assertThat(fu.get("used").asLong()).isEqualTo(5);
    assertThat(fu.at("/projection/units").asLong()).isEqualTo(15);
    assertThat(fu.at("/projection/amount").asText()).isEqualTo("0.00");
  }

  @Test
  void shouldDefaultToTheCurrentUtcMonth() {
    JsonNode view = Json.parse(get("/v1/billing/usage", "acme_read", null).body());

    assertThat(view.get("period").asText()).isEqualTo("2026-11");
    assertThat(view.at("/types/vex/used").asLong()).isEqualTo(3001);
  }

  @Test
  void shouldProjectAClosedMonthAsItsTotal() {
    JsonNode view = Json.parse(get("/v1/billing/usage?period=2026-10", "acme_read", null).body());

    assertThat(view.at("/types/vex/projection/units").asLong()).isEqualTo(99999);
    assertThat(view.at("/types/vex/amount_so_far").asText()).isEqualTo("0.05");
  }

  @Test
  void shouldNeverShowAnotherTenantsRows() {
    JsonNode usage = Json.parse(get("/v1/billing/usage?period=2026-11", "beta_read", null).body());
    JsonNode charges =
        Json.parse(get("/v1/billing/charges?period=2026-11", "beta_read", null).body());
    String csv = get("/v1/billing/charges?period=2026-11", "beta_read", "text/csv").body();

    assertThat(usage.get("tenant").asText()).isEqualTo("beta");
    assertThat(usage.at("/reservation/configured").asBoolean()).isFalse();
    assertThat(usage.at("/types/vex/used").asLong()).isEqualTo(7);
    assertThat(usage.get("amount_so_far").asText()).isEqualTo("7.00");
    assertThat(charges.get("count").asInt()).isEqualTo(1);
    assertThat(charges.at("/charges/0/charge_id").asText()).isEqualTo("ch-beta");
    assertThat(csv).doesNotContain("acme").doesNotContain("ch-1");
  }

  @Test
  void shouldAnswerAnEmptyViewForAMonthWithoutData() {
    HttpResponse<String> response = get("/v1/billing/usage?period=2025-01", "acme_read", null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode view = Json.parse(response.body());
    assertThat(view.at("/types/vex/used").asLong()).isZero();
    assertThat(view.at("/types/vex/overage_by_band")).isEmpty();
    assertThat(view.get("amount_so_far").asText()).isEqualTo("0.00");
    assertThat(
            Json.parse(get("/v1/billing/charges?period=2025-01", "acme_read", null).body())
                .get("charges"))
        .isEmpty();
  }

  @Test
  void shouldListChargesInChargedOrderAsJson() {
    HttpResponse<String> response = get("/v1/billing/charges?period=2026-11", "acme_plain", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode charges = Json.parse(response.body()).get("charges");
    assertThat(charges).hasSize(2);
    assertThat(charges.get(0).get("charge_id").asText()).isEqualTo("ch-1");
    assertThat(charges.get(0).get("amount").asText()).isEqualTo("10.00");
    assertThat(charges.get(1).get("charge_id").asText()).isEqualTo("ch-2");
    assertThat(charges.get(1).get("unit_price").asText()).isEqualTo("0.005");
  }

  @Test
  void shouldServeChargesAsRfc4180CsvWhenAsked() {
    HttpResponse<String> response =
        get("/v1/billing/charges?period=2026-11", "acme_read", "text/csv");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    assertThat(response.body())
        .isEqualTo(
            "charge_id,tenant,period,type,band,units,unit_price,amount,currency,used_before,"
                + "used_after,window_start,window_end,stripe_event_name,charged_at\r\n"
                + "ch-1,acme,2026-11,vex,0,1000,0.01,10.00,EUR,1000,2000,2026-11-02T00:00:00Z,"
                + "2026-11-05T00:00:00Z,vex_t1,2026-11-05T00:01:00Z\r\n"
                + "ch-2,acme,2026-11,vex,1,1001,0.005,5.00,EUR,2000,3001,2026-11-06T00:00:00Z,"
                + "2026-11-10T23:00:00Z,\"vex \"\"tier\"\", 2\",2026-11-10T23:01:00Z\r\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-13", "2026-1", "26-11", "2026-11-01", "november"})
  void shouldRefuseAnInvalidPeriod(String period) {
    HttpResponse<String> response = get("/v1/billing/usage?period=" + period, "acme_read", null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.parse(response.body()).get("code").asText()).isEqualTo("PERIOD_INVALID");
    assertThat(get("/v1/billing/charges?period=" + period, "acme_read", "text/csv").statusCode())
        .isEqualTo(400);
  }

  @Test
  void shouldRefuseAKeyWhoseScopesLackBillingRead() {
    HttpResponse<String> usage = get("/v1/billing/usage", "acme_admin", null);
    HttpResponse<String> charges = get("/v1/billing/charges", "acme_admin", "text/csv");

    assertThat(usage.statusCode()).isEqualTo(403);
    assertThat(usage.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(Json.parse(usage.body()).get("code").asText()).isEqualTo("SCOPE_MISSING");
    assertThat(charges.statusCode()).isEqualTo(403);
    assertThat(get("/v1/billing/usage", "acme_plain", null).statusCode()).isEqualTo(200);
    assertThat(get("/v1/billing/usage", null, null).statusCode()).isEqualTo(401);
  }

  private HttpResponse<String> get(String path, String apiKey, String accept) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
    if (accept != null) {
      request.header("Accept", accept);
    }
    return TestHttp.send(http, request, apiKey);
  }
}
