package dev.signet.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.billing.reserved.ReservedConfigPublisher;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.error.Problem;
import dev.signet.core.json.Json;
import dev.signet.ingress.billing.BillingQueries;
import dev.signet.ingress.errors.ApiException;
import dev.signet.ingress.exchange.ExchangeGateway;
import dev.signet.store.query.ReceiptQueries;
import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * The statuses the HTTP layer answers itself, each as {@code application/problem+json} with {@code
 * type}, {@code title}, {@code status}, {@code detail} and {@code code}: 405 with {@code Allow},
 * 415 for a body that is not JSON, 406 for an {@code Accept} that excludes JSON, 404, and the trace
 * id of the request once it is known.
 */
@ApiSliceTest
class ProblemResponsesTest {

  @Autowired MockMvcTester mvc;
  @MockitoBean ExchangeGateway gateway;
  @MockitoBean ReceiptQueries receipts;
  @MockitoBean BillingQueries billing;
  @MockitoBean ReservedConfigPublisher publisher;

  private static JsonNode assertProblem(MvcTestResult result, int status, String code) {
    assertThat(result).hasStatus(status);
    assertThat(result.getResponse().getContentType()).isEqualTo(Problem.MEDIA_TYPE);
    JsonNode problem = Json.parse(result.getResponse().getContentAsByteArray());
    assertThat(problem.get("code").asText()).isEqualTo(code);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("type").asText()).startsWith("https://");
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).isNotBlank();
    return problem;
  }

  @ParameterizedTest(name = "{0} {1} -> 405, Allow: {2}")
  @CsvSource({
    "GET, /v1/exchange, POST",
    "PUT, /v1/exchange, POST",
    "DELETE, /v1/receipts/chain/t-1, GET",
    "POST, /v1/billing/usage, GET",
    "GET, /v1/admin/reload-reserved, POST",
    "POST, /v1/types, GET"
  })
  void shouldAnswer405WithAllowForAKnownPathAndAnotherMethod(
      String method, String path, String allow) {
    MvcTestResult result =
        mvc.method(org.springframework.http.HttpMethod.valueOf(method))
            .uri(path)
            .header("X-SIGNET-API-Key", "legacy_key")
            .exchange();

    assertProblem(result, 405, "METHOD_NOT_ALLOWED");
    assertThat(result).hasHeader("Allow", allow);
  }

  @ParameterizedTest(name = "POST {0} as {1} -> 415")
  @CsvSource({
    "/v1/exchange, text/plain",
    "/v1/exchange, application/x-www-form-urlencoded",
    "/v1/export/bundle, text/plain",
    "/v1/export/bundle, application/xml"
  })
  void shouldAnswer415ForABodyThatIsNotJson(String path, String contentType) {
    MvcTestResult result =
        mvc.post()
            .uri(path)
            .header("X-SIGNET-API-Key", "legacy_key")
            .header("X-SIGNET-Idempotency-Key", "k1")
            .header("Content-Type", contentType)
            .content("{\"trace_id\":\"t-1\",\"payload\":{}}")
            .exchange();

    assertProblem(result, 415, "UNSUPPORTED_MEDIA_TYPE");
    assertThat(result).hasHeader("Accept-Post", "application/json");
  }

  @ParameterizedTest(name = "a body declared {0} is read")
  @CsvSource({"application/json", "application/json; charset=utf-8", "application/vnd.acme+json"})
  void shouldReadJsonBodiesOfEveryJsonType(String contentType) {
    MvcTestResult result =
        mvc.post()
            .uri("/v1/export/bundle")
            .header("X-SIGNET-API-Key", "legacy_key")
            .header("Content-Type", contentType)
            .content("{\"trace_id\":\"t-1\"}")
            .exchange();

    // The store knows no t-1: the body was read and its trace id looked up.
    assertProblem(result, 404, "NOT_FOUND");
  }

  @ParameterizedTest(name = "GET {0} with Accept: {1} -> 406")
  @CsvSource({
    "/v1/receipts/chain/t-1, text/html",
    "/v1/receipts/export/t-1, application/xml",
    "/v1/billing/usage, text/csv",
    "/v1/types, text/html",
    "/.well-known/jwks.json, text/html"
  })
  void shouldAnswer406WhenAcceptExcludesJson(String path, String accept) {
    MvcTestResult result =
        mvc.get()
            .uri(path)
            .header("X-SIGNET-API-Key", "legacy_key")
            .header("Accept", accept)
            .exchange();

    assertProblem(result, 406, "NOT_ACCEPTABLE");
  }

  @ParameterizedTest(name = "GET {0} with Accept: {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/v1/receipts/chain/t-1 | application/problem+json | 404",
        "/v1/receipts/chain/t-1 | application/json | 404",
        "/v1/receipts/chain/t-1 | */* | 404",
        "/v1/receipts/chain/t-1 | text/html, application/* ;q=0.1 | 404",
        "/v1/billing/charges | text/csv | 200",
        "/v1/types | application/json | 200"
      })
  void shouldServeEveryAcceptThatAdmitsWhatTheEndpointProduces(
      String path, String accept, int status) {
    MvcTestResult result =
        mvc.get()
            .uri(path)
            .header("X-SIGNET-API-Key", "legacy_key")
            .header("Accept", accept)
            .exchange();

    assertThat(result).hasStatus(status);
  }

  @Test
  void shouldAnswer404AsAProblemForAnUnknownPath() {
    assertProblem(
        mvc.get().uri("/v1/nothing-here").header("X-SIGNET-API-Key", "legacy_key").exchange(),
        404,
        "NOT_FOUND");
  }

  @Test
  void shouldNameTheTraceInTheProblemAndBothTraceHeadersOnceItIsKnown() {
    MvcTestResult result =
        mvc.get()
            .uri("/v1/receipts/chain/t-404")
            .header("X-SIGNET-API-Key", "legacy_key")
            .exchange();

    JsonNode problem = assertProblem(result, 404, "NOT_FOUND");
    assertThat(problem.get("trace_id").asText()).isEqualTo("t-404");
    assertThat(result).hasHeader("X-SIGNET-Trace", "t-404").hasHeader("X-ODIN-Trace", "t-404");
  }

  @Test
  void shouldNotInventATraceIdBeforeOneIsKnown() {
    MvcTestResult result = mvc.get().uri("/v1/receipts/chain/t-1").exchange();

    JsonNode problem = assertProblem(result, 401, "AUTH_MISSING");
    assertThat(problem.has("trace_id")).isFalse();
    assertThat(result).doesNotContainHeader("X-SIGNET-Trace");
  }

  @ParameterizedTest(name = "the error page for {0} -> {1}")
  @CsvSource({
    "400, 400, MALFORMED_REQUEST",
    "413, 413, PAYLOAD_TOO_LARGE",
    "503, 503, UNAVAILABLE",
    "500, 500, INTERNAL",
    "408, 400, MALFORMED_REQUEST"
  })
  void shouldRenderTheContainersErrorsAsProblems(int containerStatus, int status, String code) {
    MvcTestResult result =
        mvc.get()
            .uri("/error")
            .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, containerStatus)
            .exchange();

    assertProblem(result, status, code);
  }

  @Test
  void shouldRenderARefusalThrownOutsideTheControllersWithItsCode() {
    MvcTestResult result =
        mvc.get()
            .uri("/error")
            .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 500)
            .requestAttr(
                RequestDispatcher.ERROR_EXCEPTION,
                new ApiException(ErrorCode.AUTH_INVALID, "unknown API key"))
            .exchange();

    assertThat(assertProblem(result, 401, "AUTH_INVALID").get("detail").asText())
        .isEqualTo("unknown API key");
  }

  @Test
  void shouldAnswerTheErrorPageAskedForDirectlyAsNotFound() {
    assertProblem(mvc.get().uri("/error").exchange(), 404, "NOT_FOUND");
  }

  @Test
  void shouldAcceptThePythonOriginalsApiKeyHeaderOnReads() {
    MvcTestResult result =
        mvc.get().uri("/v1/receipts/chain/t-1").header("X-ODIN-API-Key", "receipts_key").exchange();

    assertProblem(result, 404, "NOT_FOUND");
  }
}
