package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.billing.stripe.StripeStub;
import dev.signet.cli.SignetCli;
import dev.signet.core.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Money end to end, as a tenant and its finance team meet it: exchanges over HTTP on the whole
 * local pipeline, priced against the reserved-capacity file, charged through the bands, pushed to a
 * Stripe stand-in by the real stripe-java client (one meter event per charge, the charge id as its
 * identifier), shown in the finance views, reconciled to no difference by {@code signet billing
 * reconcile}, and a reservation reloaded without a restart that applies from the next usage on.
 */
class BillingPipelineIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String TENANT_KEY = "bill_key";
  private static final String ADMIN_KEY = "bill_admin";

  /** 3 included; then 2 units at 0.50, then the open band at 0.25. */
  private static final String TIERED =
      "{\"vex_reserved\": 3, \"fu_reserved\": 0, \"currency\": \"USD\", \"vex_overage_tiers\": ["
          + "{\"threshold\": 2, \"price_per_unit\": \"0.50\", \"stripe_item\": \"signet_vex_t1\"},"
          + "{\"threshold\": 0, \"price_per_unit\": \"0.25\", \"stripe_item\": \"signet_vex_t2\"}]}";

  private static StripeStub stripe;
  private static LocalMode local;
  private static Path reservedFile;
  private static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    stripe = new StripeStub();
    dataDir = Files.createTempDirectory("signet-billing-pipeline-it");
    reservedFile = dataDir.resolve("reserved.json");
    Files.writeString(reservedFile, "{\"acme\": " + TIERED + "}");
    Map<String, String> env = LocalModeITs.env(dataDir);
    env.put(
        "SP_API_KEYS",
        "{\""
            + TENANT_KEY
            + "\": {\"tenant\": \"acme\", \"stripe_customer\": \"cus_acme\"},"
            + " \""
            + ADMIN_KEY
            + "\": {\"tenant\": \"ops\", \"scopes\": [\"admin\"]}}");
    env.put("SP_RESERVED_CONFIG", reservedFile.toString());
    env.put("SP_BILLING_CHARGE_INTERVAL", "1");
    env.put("SP_STRIPE_API_KEY", "sk_test_billing_pipeline");
    env.put("SP_STRIPE_API_BASE", stripe.baseUrl());
    local = LocalMode.start(env);
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
    stripe.close();
  }

  @Test
  void shouldChargePushShowAndReconcileOverageAndApplyAReloadedReservation() throws Exception {
    String period = YearMonth.now(ZoneOffset.UTC).toString();
    // Usage from before a reservation is in force is settled without a charge (ChargeOverage), and
    // the start-up publication reaches billing on its own topic: wait for it, as for the reload.
    awaitReserved(3);
    for (int i = 0; i < 7; i++) {
      assertThat(exchange("billing-e2e-" + i).statusCode()).isEqualTo(200);
    }

    // 7 used, 3 reserved: 2 units in the first band (1.00), 2 in the open one (0.50).
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(meteredUnits()).containsEntry("signet_vex_t1", 2L).hasSize(2));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(meteredUnits()).containsEntry("signet_vex_t2", 2L));
    List<StripeStub.Request> events = stripe.requests();
    assertThat(events)
        .allSatisfy(
            event -> {
              assertThat(event.path()).isEqualTo("/v1/billing/meter_events");
              assertThat(event.form()).containsEntry("payload[stripe_customer_id]", "cus_acme");
              assertThat(event.form().get("identifier")).matches("ch-[0-9a-f]{64}");
            });
    assertThat(events.stream().map(e -> e.form().get("identifier")).distinct())
        .hasSize(events.size());

    JsonNode usage = awaitUsage(period, 7, true);
    JsonNode vex = usage.get("types").get("vex");
    assertThat(vex.get("reserved").asLong()).isEqualTo(3);
    assertThat(vex.get("overage_units").asLong()).isEqualTo(4);
    assertThat(usage.get("amount_so_far").asText()).isEqualTo("1.50");
    HttpResponse<String> csv = get("/v1/billing/charges?period=" + period, TENANT_KEY, "text/csv");
    assertThat(csv.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
    assertThat(csv.body().lines().skip(1).map(line -> line.split(",")[7]))
        .as("amount column of every charge")
        .allSatisfy(amount -> assertThat(amount).matches("\\d+\\.\\d{2}"));
    assertThat(reconcile(period)).startsWith("0:");

    // The reservation grows to 100 and is reloaded without a restart: the next usage is within it.
    Files.writeString(
        reservedFile,
        "{\"acme\": " + TIERED.replace("\"vex_reserved\": 3", "\"vex_reserved\": 100") + "}");
    HttpResponse<String> reload = post("/v1/admin/reload-reserved", "", ADMIN_KEY);
    assertThat(reload.statusCode()).isEqualTo(200);
    assertThat(Json.parse(reload.body()).get("changed")).hasSize(1);
    awaitReserved(100);
    int pushed = stripe.requests().size();
    for (int i = 7; i < 9; i++) {
      assertThat(exchange("billing-e2e-" + i).statusCode()).isEqualTo(200);
    }
    assertThat(awaitUsage(period, 9, false).get("amount_so_far").asText()).isEqualTo("1.50");
    // Charge intervals pass after the usage is totalled: nothing more is charged or pushed.
    await()
        .during(Duration.ofMillis(2_500))
        .atMost(Duration.ofSeconds(10))
        .until(() -> stripe.requests().size() == pushed);
  }

  /**
   * Waits until billing's charging applies a reservation of {@code units} VEx to the tenant: the
   * gauge it sets when it puts a config in force (the usage view reads the config elsewhere).
   */
  private static void awaitReserved(long units) {
    Pattern inForce =
        Pattern.compile(
            "(?m)^signet_reserved_capacity\\{[^}]*tenant=\"acme\"[^}]*type=\"vex\"[^}]*\\} "
                + units
                + "\\.0$");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(get("/metrics", ADMIN_KEY, null).body()).containsPattern(inForce));
  }

  /**
   * The usage view once it shows {@code used} units (and, if {@code charged}, all overage charged).
   */
  private static JsonNode awaitUsage(String period, long used, boolean charged) {
    JsonNode[] latest = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              latest[0] =
                  Json.parse(get("/v1/billing/usage?period=" + period, TENANT_KEY, null).body());
              assertThat(latest[0].get("types").get("vex").get("used").asLong()).isEqualTo(used);
              if (charged) {
                JsonNode vex = latest[0].get("types").get("vex");
                assertThat(vex.get("charged_units").asLong())
                    .isEqualTo(vex.get("overage_units").asLong());
              }
            });
    return latest[0];
  }

  private static Map<String, Long> meteredUnits() {
    return stripe.requests().stream()
        .collect(
            Collectors.groupingBy(
                r -> r.form().get("event_name"),
                Collectors.summingLong(r -> Long.parseLong(r.form().get("payload[value]")))));
  }

  private static String reconcile(String period) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String url =
        "postgresql://postgres:postgres@"
            + local.jdbcUrl().substring("jdbc:postgresql://".length());
    int exit =
        SignetCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(
                "billing", "reconcile", "--period", period, "--postgres-url", url, "--skip-stripe");
    return exit + ":" + out + err;
  }

  private static HttpResponse<String> exchange(String traceId) throws Exception {
    return post("/v1/exchange", PipelineIT.invoice(traceId, "12.50"), TENANT_KEY, traceId);
  }

  private static HttpResponse<String> post(String path, String body, String apiKey)
      throws Exception {
    return post(path, body, apiKey, null);
  }

  private static HttpResponse<String> post(
      String path, String body, String apiKey, String idempotencyKey) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("X-SIGNET-API-Key", apiKey)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("X-SIGNET-Idempotency-Key", idempotencyKey);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, String apiKey, String accept)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + path)).header("X-SIGNET-API-Key", apiKey);
    if (accept != null) {
      request.header("Accept", accept);
    }
    return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String base() {
    return "http://127.0.0.1:" + local.pipeline().httpPort();
  }
}
