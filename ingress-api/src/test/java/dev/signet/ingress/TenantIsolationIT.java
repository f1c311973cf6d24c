package dev.signet.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Tenant isolation, endpoint by endpoint, against a running ingress in front of the real processor
 * and receipt store: tenant {@code beta} tries every endpoint with {@code acme}'s trace ids,
 * idempotency keys and billing months, and gets exactly what it gets for an object that does not
 * exist (same status, code, headers and body, byte for byte once the id it asked for is swapped for
 * the unknown one of the same length). The one exception is the chain rule itself: continuing
 * another tenant's trace is refused with {@code TRACE_FORBIDDEN}, where an unknown trace would be
 * started; that answer names nothing of the owner.
 *
 * <p>{@link #shouldHaveAnIsolationCaseForEveryEndpoint} fails when a controller gains an endpoint
 * without a case here.
 */
@SpringBootTest(
    classes = IngressApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "signet.reply-timeout=30s"})
class TenantIsolationIT {

  /** acme's chain, and an unknown trace id of the same length, so answers compare byte for byte. */
  static final String ACME_TRACE = "iso-trace-aaaa-0001";

  static final String UNKNOWN_TRACE = "iso-trace-none-0001";
  static final String SHARED_IDEMPOTENCY_KEY = "iso-shared-key";
  static final String PERIOD = "2026-11";

  /** Headers whose value is the moment of the answer, not its content. */
  static final Set<String> VOLATILE_HEADERS = Set.of("date");

  private static boolean seeded;
  private static JsonNode acmeDerivedExchange;

  @LocalServerPort int port;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @DynamicPropertySource
  static void pipeline(DynamicPropertyRegistry registry) {
    RunningPipeline.get().register(registry);
  }

  /** What one endpoint answers another tenant; each case asserts it. */
  @FunctionalInterface
  interface IsolationCase {
    void check(TenantIsolationIT test) throws Exception;
  }

  /** Every endpoint the controllers register, with how it keeps tenants apart. */
  static final Map<String, IsolationCase> CASES = new LinkedHashMap<>();

  static {
    CASES.put("POST /v1/exchange", TenantIsolationIT::exchangeIsolatesIdempotencyKeysAndTraces);
    CASES.put("GET /v1/receipts/chain/{traceId}", TenantIsolationIT::chainOfAnotherTenantIsUnknown);
    CASES.put(
        "GET /v1/receipts/export/{traceId}", TenantIsolationIT::exportOfAnotherTenantIsUnknown);
    CASES.put("POST /v1/export/bundle", TenantIsolationIT::bundleOfAnotherTenantIsUnknown);
    CASES.put("GET /v1/billing/usage", TenantIsolationIT::usageShowsOnlyTheCallersTenant);
    CASES.put("GET /v1/billing/charges", TenantIsolationIT::chargesShowOnlyTheCallersTenant);
    CASES.put("POST /v1/admin/reload-reserved", TenantIsolationIT::reloadIsTheSameForEveryTenant);
    for (String document :
        new String[] {
          "GET /.well-known/jwks.json",
          "GET /.well-known/signet-jwks.json",
          "GET /v1/types",
          "GET /v3/api-docs",
          "GET /v3/api-docs.yaml",
          "GET /v3/api-docs/swagger-config",
          "GET /docs",
          "* /error"
        }) {
      String path = document.substring(document.indexOf(' ') + 1);
      CASES.put(document, test -> test.publicDocumentIsTheSameForEveryone(path));
    }
  }

  static Stream<String> endpoints() {
    return CASES.keySet().stream();
  }

  @BeforeEach
  void seed() throws Exception {
    synchronized (TenantIsolationIT.class) {
      if (seeded) {
        return;
      }
      assertThat(
              exchange("acme_key", RunningPipeline.invoice(ACME_TRACE, "10"), "iso-acme-1")
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              exchange("acme_key", RunningPipeline.invoice(ACME_TRACE, "20"), "iso-acme-2")
                  .statusCode())
          .isEqualTo(200);
      HttpResponse<String> derived =
          exchange("acme_key", RunningPipeline.invoice(null, "30"), SHARED_IDEMPOTENCY_KEY);
      assertThat(derived.statusCode()).isEqualTo(200);
      acmeDerivedExchange = Json.parse(derived.body());
      // The receipts reach PostgreSQL through the receipt sink: wait until acme reads both.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                HttpResponse<String> chain =
                    get("/v1/receipts/chain/" + ACME_TRACE, "acme_key", null);
                return chain.statusCode() == 200
                    && Json.parse(chain.body()).get("hops").asInt() == 2;
              });
      insertAcmeBilling();
      seeded = true;
    }
  }

  private static void insertAcmeBilling() throws SQLException {
    try (Connection c = RunningPipeline.get().database().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO billing_reservations VALUES ('acme', '{\"vex_reserved\": 10,"
              + " \"fu_reserved\": 0, \"currency\": \"EUR\", \"vex_overage_tiers\": ["
              + "{\"threshold\": 0, \"price_per_unit\": \"0.25\", \"stripe_item\": \"vex_acme\"}]}',"
              + " 'v-acme-secret', '2026-11-01T00:00:00Z', 'admin:acme')");
      s.execute(
          "INSERT INTO billing_period_totals VALUES"
              + " ('acme', '2026-11', 'vex', 4242, '2026-11-30T23:59:00Z')");
      s.execute(
          "INSERT INTO billing_charges (charge_id, tenant, period, unit_type, band, units,"
              + " unit_price, amount, currency, used_before, used_after, window_start, window_end,"
              + " stripe_event_name, stripe_customer, charged_at) VALUES"
              + " ('ch-acme-1', 'acme', '2026-11', 'vex', 0, 4232, 0.25, 1058.00, 'EUR', 10, 4242,"
              + "  '2026-11-02T00:00:00Z', '2026-11-30T23:00:00Z', 'vex_acme', 'cus_acme',"
              + "  '2026-11-30T23:01:00Z')");
    }
  }

  @Test
  void shouldHaveAnIsolationCaseForEveryEndpoint() {
    Set<String> registered = new TreeSet<>();
    for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
      Set<String> methods =
          info.getMethodsCondition().getMethods().isEmpty()
              ? Set.of("*")
              : info.getMethodsCondition().getMethods().stream()
                  .map(Enum::name)
                  .collect(java.util.stream.Collectors.toSet());
      for (String path : info.getPatternValues()) {
        methods.forEach(method -> registered.add(method + " " + path));
      }
    }

    assertThat(new TreeSet<>(CASES.keySet()))
        .as("add a case to TenantIsolationIT.CASES for each new endpoint")
        .isEqualTo(registered);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void shouldKeepTenantsApart(String endpoint) throws Exception {
    CASES.get(endpoint).check(this);
  }

  // --- the cases ---

  private static void chainOfAnotherTenantIsUnknown(TenantIsolationIT test) {
    for (String query : new String[] {"", "?after_hop=1", "?after_hop=1&limit=1", "?limit=1"}) {
      HttpResponse<String> foreign =
          test.get("/v1/receipts/chain/" + ACME_TRACE + query, "beta_key", null);
      HttpResponse<String> unknown =
          test.get("/v1/receipts/chain/" + UNKNOWN_TRACE + query, "beta_key", null);

      assertThat(foreign.statusCode()).as(query).isEqualTo(404);
      assertIndistinguishable(foreign, unknown);
      assertThat(
              test.get("/v1/receipts/chain/" + ACME_TRACE + query, "acme_key", null).statusCode())
          .as("acme reads its own chain")
          .isEqualTo(200);
    }
  }

  private static void exportOfAnotherTenantIsUnknown(TenantIsolationIT test) {
    HttpResponse<String> foreign = test.get("/v1/receipts/export/" + ACME_TRACE, "beta_key", null);
    HttpResponse<String> unknown =
        test.get("/v1/receipts/export/" + UNKNOWN_TRACE, "beta_key", null);

    assertThat(foreign.statusCode()).isEqualTo(404);
    assertIndistinguishable(foreign, unknown);
    assertThat(test.get("/v1/receipts/export/" + ACME_TRACE, "acme_key", null).statusCode())
        .isEqualTo(200);
  }

  private static void bundleOfAnotherTenantIsUnknown(TenantIsolationIT test) {
    HttpResponse<String> foreign =
        test.post("/v1/export/bundle", "{\"trace_id\":\"" + ACME_TRACE + "\"}", "beta_key", null);
    HttpResponse<String> unknown =
        test.post(
            "/v1/export/bundle", "{\"trace_id\":\"" + UNKNOWN_TRACE + "\"}", "beta_key", null);

    assertThat(foreign.statusCode()).isEqualTo(404);
    assertIndistinguishable(foreign, unknown);
    assertThat(
            test.post(
                    "/v1/export/bundle", "{\"trace_id\":\"" + ACME_TRACE + "\"}", "acme_key", null)
                .statusCode())
        .isEqualTo(200);
  }

  /** No parameter names a tenant: beta sees what a tenant without data sees, named beta. */
  private static void usageShowsOnlyTheCallersTenant(TenantIsolationIT test) {
    String path = "/v1/billing/usage?period=" + PERIOD;
    HttpResponse<String> beta = test.get(path, "beta_key", null);
    HttpResponse<String> gamma = test.get(path, "gamma_key", null);

    assertThat(beta.statusCode()).isEqualTo(200);
    assertThat(Json.parse(beta.body()).get("tenant").asText()).isEqualTo("beta");
    assertThat(beta.body()).doesNotContain("acme", "4242", "v-acme-secret", "1058");
    assertSameView(beta, gamma);
    assertThat(test.get(path, "acme_key", null).body()).contains("4242", "v-acme-secret");
  }

  private static void chargesShowOnlyTheCallersTenant(TenantIsolationIT test) {
    String path = "/v1/billing/charges?period=" + PERIOD;
    for (String accept : new String[] {null, "text/csv"}) {
      HttpResponse<String> beta = test.get(path, "beta_key", accept);
      HttpResponse<String> gamma = test.get(path, "gamma_key", accept);

      assertThat(beta.statusCode()).isEqualTo(200);
      assertThat(beta.body()).doesNotContain("acme", "ch-acme-1", "1058");
      assertSameView(beta, gamma);
      assertThat(test.get(path, "acme_key", accept).body()).contains("ch-acme-1");
    }
  }

  /**
   * Operator-wide, not tenant-owned: the reserved-capacity file covers every tenant and only admin
   * keys may reload it; the answer does not depend on the caller's tenant.
   */
  private static void reloadIsTheSameForEveryTenant(TenantIsolationIT test) {
    HttpResponse<String> acme = test.post("/v1/admin/reload-reserved", "", "acme_key", null);
    HttpResponse<String> beta = test.post("/v1/admin/reload-reserved", "", "beta_key", null);
    HttpResponse<String> acmeAdmin = test.post("/v1/admin/reload-reserved", "", "acme_admin", null);
    HttpResponse<String> betaAdmin = test.post("/v1/admin/reload-reserved", "", "beta_admin", null);

    assertThat(beta.statusCode()).isEqualTo(403);
    assertIndistinguishable(beta, acme);
    assertThat(betaAdmin.statusCode()).isEqualTo(409);
    assertIndistinguishable(betaAdmin, acmeAdmin);
  }

  /**
   * Idempotency keys are per tenant: beta reusing acme's key is a new exchange of beta's own (no
   * replay of acme's answer, no conflict with acme's body, its own trace). Continuing acme's trace
   * is the chain rule's refusal, naming nothing of acme.
   */
  private static void exchangeIsolatesIdempotencyKeysAndTraces(TenantIsolationIT test) {
    HttpResponse<String> reused =
        test.exchange("beta_key", RunningPipeline.invoice(null, "99"), SHARED_IDEMPOTENCY_KEY);
    HttpResponse<String> fresh =
        test.exchange("beta_key", RunningPipeline.invoice(null, "99"), "iso-beta-fresh");

    assertThat(reused.statusCode()).isEqualTo(200);
    assertThat(reused.headers().firstValue("X-SIGNET-Idempotency-Hit")).isEmpty();
    assertThat(reused.headers().map().keySet()).isEqualTo(fresh.headers().map().keySet());
    JsonNode receipt = Json.parse(reused.body()).get("receipt");
    assertThat(receipt.get("tenant").asText()).isEqualTo("beta");
    assertThat(receipt.get("hop").asInt()).isEqualTo(1);
    assertThat(receipt.get("trace_id").asText())
        .isNotEqualTo(acmeDerivedExchange.get("trace_id").asText());
    // beta's own retry of the key is beta's replay, never acme's
    HttpResponse<String> replay =
        test.exchange("beta_key", RunningPipeline.invoice(null, "99"), SHARED_IDEMPOTENCY_KEY);
    assertThat(replay.headers().firstValue("X-SIGNET-Idempotency-Hit")).contains("1");
    assertThat(Json.parse(replay.body()).get("receipt")).isEqualTo(receipt);

    HttpResponse<String> foreignTrace =
        test.exchange("beta_key", RunningPipeline.invoice(ACME_TRACE, "5"), "iso-beta-foreign");
    assertThat(foreignTrace.statusCode()).isEqualTo(403);
    assertThat(Json.parse(foreignTrace.body()).get("code").asText()).isEqualTo("TRACE_FORBIDDEN");
    assertThat(foreignTrace.body())
        .doesNotContain("acme")
        .doesNotContain(acmeDerivedExchange.at("/receipt/receipt_hash").asText());
  }

  private void publicDocumentIsTheSameForEveryone(String path) {
    HttpResponse<String> anonymous = get(path, null, null);
    HttpResponse<String> acme = get(path, "acme_key", null);
    HttpResponse<String> beta = get(path, "beta_key", null);

    assertThat(anonymous.statusCode()).isLessThan(500);
    assertIndistinguishable(beta, anonymous);
    assertIndistinguishable(acme, anonymous);
  }

  // --- comparison ---

  /** Same status and headers (but the moment), same body, once acme's id reads as the unknown. */
  static void assertIndistinguishable(HttpResponse<String> foreign, HttpResponse<String> unknown) {
    assertThat(foreign.statusCode()).isEqualTo(unknown.statusCode());
    assertThat(headers(foreign)).isEqualTo(headers(unknown));
    assertThat(normalised(foreign.body())).isEqualTo(normalised(unknown.body()));
  }

  private static Map<String, Object> headers(HttpResponse<String> response) {
    Map<String, Object> headers = new TreeMap<>();
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!VOLATILE_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                headers.put(
                    name.toLowerCase(java.util.Locale.ROOT),
                    values.stream().map(TenantIsolationIT::normalised).toList());
              }
            });
    return headers;
  }

  private static String normalised(String text) {
    return text.replace(ACME_TRACE, UNKNOWN_TRACE);
  }

  /**
   * Two tenants' views: equal once the tenant's name and the moment of the answer are set aside.
   */
  private static void assertSameView(HttpResponse<String> beta, HttpResponse<String> gamma) {
    assertThat(beta.statusCode()).isEqualTo(gamma.statusCode());
    assertThat(view(beta.body(), "beta")).isEqualTo(view(gamma.body(), "gamma"));
  }

  private static String view(String body, String tenant) {
    return body.replace(tenant, "TENANT").replaceAll("\"as_of\":\"[^\"]*\"", "\"as_of\":\"AS_OF\"");
  }

  // --- HTTP ---

  private HttpResponse<String> exchange(String apiKey, String body, String idempotencyKey) {
    return post("/v1/exchange", body, apiKey, idempotencyKey);
  }

  private HttpResponse<String> post(
      String path, String body, String apiKey, String idempotencyKey) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("X-SIGNET-Idempotency-Key", idempotencyKey);
    }
    return TestHttp.send(http, request, apiKey);
  }

  private HttpResponse<String> get(String path, String apiKey, String accept) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .GET();
    if (accept != null) {
      request.header("Accept", accept);
    }
    return TestHttp.send(http, request, apiKey);
  }
}
