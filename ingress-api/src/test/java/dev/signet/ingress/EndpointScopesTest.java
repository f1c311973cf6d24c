package dev.signet.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.billing.reserved.ReservedConfigPublisher;
import dev.signet.core.error.Problem;
import dev.signet.core.json.Json;
import dev.signet.core.json.RawJson;
import dev.signet.core.message.ExchangeResult;
import dev.signet.ingress.billing.BillingQueries;
import dev.signet.ingress.exchange.ExchangeGateway;
import dev.signet.store.query.ReceiptQueries;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * Every endpoint of the API with keys of every kind: a key that names scopes may do exactly what
 * they name, a key without scopes everything but admin, and public documents need no key. An
 * allowed call reaches its (mocked) dependency and gets that dependency's answer, so the status
 * says the scope check let it through.
 */
@ApiSliceTest
class EndpointScopesTest {

  @Autowired MockMvcTester mvc;
  @MockitoBean ExchangeGateway gateway;
  @MockitoBean ReceiptQueries receipts;
  @MockitoBean BillingQueries billing;
  @MockitoBean ReservedConfigPublisher publisher;

  @BeforeEach
  void answerExchanges() {
    var body = Json.MAPPER.createObjectNode().put("trace_id", "t-1");
    when(gateway.submit(anyString(), any(), anyString(), anyString()))
        .thenReturn(
            CompletableFuture.completedFuture(
                new ExchangeResult.Accepted("t-1", false, RawJson.of(body))));
  }

  private MvcTestResult call(String endpoint, String apiKey) {
    String[] parts = endpoint.split(" ", 2);
    var request = parts[0].equals("POST") ? mvc.post().uri(parts[1]) : mvc.get().uri(parts[1]);
    if (parts[1].equals("/v1/exchange")) {
      request =
          request
              .contentType(MediaType.APPLICATION_JSON)
              .header("X-SIGNET-Idempotency-Key", "k1")
              .content("{\"payload_type\":\"a\",\"target_type\":\"b\",\"payload\":{}}");
    } else if (parts[1].equals("/v1/export/bundle")) {
      request = request.contentType(MediaType.APPLICATION_JSON).content("{\"trace_id\":\"t-1\"}");
    }
    if (apiKey != null) {
      request = request.header("X-SIGNET-API-Key", apiKey);
    }
    return request.exchange();
  }

  private static JsonNode json(MvcTestResult result) {
    return Json.parse(result.getResponse().getContentAsByteArray());
  }

  /**
   * The status a call that passed the scope check gets from the mocked dependencies: the exchange
   * is answered, the store knows no trace t-1, billing has no rows, no reserved file is set.
   */
  @ParameterizedTest(name = "{0} with {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "POST /v1/exchange                  | legacy_key       | 200",
        "POST /v1/exchange                  | exchange_key     | 200",
        "POST /v1/exchange                  | receipts_key     | 403",
        "POST /v1/exchange                  | admin_key        | 403",
        "GET /v1/receipts/chain/t-1         | legacy_key       | 404",
        "GET /v1/receipts/chain/t-1         | receipts_key     | 404",
        "GET /v1/receipts/chain/t-1         | exchange_key     | 403",
        "GET /v1/receipts/export/t-1        | legacy_key       | 404",
        "GET /v1/receipts/export/t-1        | receipts_key     | 404",
        "GET /v1/receipts/export/t-1        | billing_key      | 403",
        "POST /v1/export/bundle             | legacy_key       | 404",
        "POST /v1/export/bundle             | receipts_key     | 404",
        "POST /v1/export/bundle             | exchange_key     | 403",
        "GET /v1/billing/usage              | legacy_key       | 200",
        "GET /v1/billing/usage              | billing_key      | 200",
        "GET /v1/billing/usage              | receipts_key     | 403",
        "GET /v1/billing/charges            | legacy_key       | 200",
        "GET /v1/billing/charges            | billing_key      | 200",
        "GET /v1/billing/charges            | exchange_key     | 403",
        "POST /v1/admin/reload-reserved     | legacy_key       | 403",
        "POST /v1/admin/reload-reserved     | admin_key        | 409",
        "POST /v1/admin/reload-reserved     | billing_key      | 403",
        // An explicit empty list names no scope: the same as a key without scopes.
        "POST /v1/exchange                  | empty_scopes_key | 200",
        "POST /v1/admin/reload-reserved     | empty_scopes_key | 403",
      })
  void shouldGrantEachEndpointOnlyToKeysWithItsScope(String endpoint, String apiKey, int expected) {
    MvcTestResult result = call(endpoint, apiKey);

    assertThat(result).hasStatus(expected);
    if (expected == 403) {
      assertThat(result.getResponse().getContentType()).isEqualTo(Problem.MEDIA_TYPE);
      assertThat(json(result).get("code").asText()).isEqualTo("SCOPE_MISSING");
      assertThat(json(result).get("required_scope").asText()).isNotBlank();
    } else {
      assertThat(json(result).path("code").asText()).isNotEqualTo("SCOPE_MISSING");
    }
  }

  @ParameterizedTest(name = "{0} names {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "POST /v1/exchange              | exchange",
        "GET /v1/receipts/chain/t-1     | receipts.read",
        "GET /v1/receipts/export/t-1    | receipts.read",
        "POST /v1/export/bundle         | receipts.read",
        "GET /v1/billing/usage          | billing.read",
        "GET /v1/billing/charges        | billing.read",
        "POST /v1/admin/reload-reserved | admin"
      })
  void shouldNameTheMissingScope(String endpoint, String scope) {
    // Keys with one scope that is not the endpoint's.
    MvcTestResult result = call(endpoint, scope.equals("exchange") ? "admin_key" : "exchange_key");

    assertThat(result).hasStatus(403);
    assertThat(json(result).get("required_scope").asText()).isEqualTo(scope);
  }

  @ParameterizedTest(name = "{0} without a key -> 401")
  @CsvSource({
    "POST /v1/exchange",
    "GET /v1/receipts/chain/t-1",
    "GET /v1/receipts/export/t-1",
    "POST /v1/export/bundle",
    "GET /v1/billing/usage",
    "GET /v1/billing/charges",
    "POST /v1/admin/reload-reserved"
  })
  void shouldAskForAKeyBeforeCheckingScopes(String endpoint) {
    MvcTestResult result = call(endpoint, null);

    assertThat(result).hasStatus(401);
    assertThat(json(result).get("code").asText()).isEqualTo("AUTH_MISSING");
  }

  @ParameterizedTest(name = "{0} is public")
  @CsvSource({"GET /.well-known/jwks.json", "GET /.well-known/signet-jwks.json", "GET /v1/types"})
  void shouldServePublicDocumentsWithoutAKey(String endpoint) {
    assertThat(call(endpoint, null)).hasStatusOk();
  }
}
