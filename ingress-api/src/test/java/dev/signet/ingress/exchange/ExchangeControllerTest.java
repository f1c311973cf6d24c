package dev.signet.ingress.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.error.Problem;
import dev.signet.core.json.Json;
import dev.signet.core.json.RawJson;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.tenant.ApiKeyTable;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.trace.TraceIds;
import dev.signet.ingress.auth.Authenticator;
import dev.signet.ingress.body.BoundedBody;
import dev.signet.ingress.config.IngressProperties;
import dev.signet.ingress.config.TestIngressProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

@WebMvcTest(ExchangeController.class)
@Import({
  Authenticator.class,
  RateLimiter.class,
  BoundedBody.class,
  ExchangeControllerTest.Config.class
})
class ExchangeControllerTest {

  static final ServerSecret SECRET =
      ServerSecret.parse("aW5ncmVzcy10ZXN0LXNlcnZlci1zZWNyZXQtMzItYnl0ZXMhIQ");
  private static final String BODY =
      "{\"payload_type\":\"a\",\"target_type\":\"b\",\"payload\":{},\"trace_id\":\"t-1\"}";

  @TestConfiguration
  static class Config {
    @Bean
    ApiKeyTable apiKeys() {
      return ApiKeyTable.fixed(ApiKeys.parse("{\"demo_key\":{\"tenant\":\"demo\"}}"));
    }

    @Bean
    IngressProperties ingressProperties() {
      return TestIngressProperties.withLimits(1024, 16);
    }

    @Bean
    Admission admission() {
      return new Admission(new Admission.Limits(1024, 16));
    }

    @Bean
    TraceIds traceIds() {
      return new TraceIds(SECRET);
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Autowired MockMvcTester mvc;
  @MockitoBean ExchangeGateway gateway;

  private MvcTestResult post(
      String body, String apiKeyHeader, String apiKey, String idempotencyKey) {
    var request =
        mvc.post().uri("/v1/exchange").contentType(MediaType.APPLICATION_JSON).content(body);
    if (apiKey != null) {
      request = request.header(apiKeyHeader, apiKey);
    }
    if (idempotencyKey != null) {
      request = request.header("X-SIGNET-Idempotency-Key", idempotencyKey);
    }
    return request.exchange();
  }

  private static ExchangeResult ok(boolean replay) {
    var body = Json.MAPPER.createObjectNode().put("trace_id", "t-1");
    body.putObject("receipt").put("hop", 1);
    return new ExchangeResult.Accepted("t-1", replay, RawJson.of(body));
  }

  private static void assertProblem(MvcTestResult result, ErrorCode code) {
    assertThat(result).hasStatus(code.status());
    assertThat(result.getResponse().getContentType()).isEqualTo(Problem.MEDIA_TYPE);
    assertThat(Json.parse(result.getResponse().getContentAsByteArray()).get("code").asText())
        .isEqualTo(code.name());
  }

  @Test
  void shouldRejectMissingApiKeyWithProblemJson() {
    assertProblem(post(BODY, "X-SIGNET-API-Key", null, "k1"), ErrorCode.AUTH_MISSING);
    verify(gateway, never()).submit(anyString(), any(), anyString(), anyString());
  }

  @Test
  void shouldRejectUnknownApiKey() {
    assertProblem(post(BODY, "X-SIGNET-API-Key", "nope", "k1"), ErrorCode.AUTH_INVALID);
  }

  @Test
  void shouldRequireIdempotencyKey() {
    assertProblem(
        post(BODY, "X-SIGNET-API-Key", "demo_key", null), ErrorCode.IDEMPOTENCY_KEY_MISSING);
  }

  @Test
  void shouldRejectMalformedJsonWithoutPublishing() {
    assertProblem(
        post("{not json", "X-SIGNET-API-Key", "demo_key", "k1"), ErrorCode.MALFORMED_REQUEST);
    verify(gateway, never()).submit(anyString(), any(), anyString(), anyString());
  }

  @Test
  void shouldRejectOversizedBodyAndCloseTheConnection() {
    String big = "{\"payload\":\"" + "x".repeat(2000) + "\"}";
    MvcTestResult result = post(big, "X-SIGNET-API-Key", "demo_key", "k1");
    assertProblem(result, ErrorCode.PAYLOAD_TOO_LARGE);
    assertThat(result).hasHeader("Connection", "close");
    verify(gateway, never()).submit(anyString(), any(), anyString(), anyString());
  }

  @Test
  void shouldAuthenticateBeforeLookingAtTheBodySize() {
    String big = "{\"payload\":\"" + "x".repeat(2000) + "\"}";
    assertProblem(post(big, "X-SIGNET-API-Key", "nope", "k1"), ErrorCode.AUTH_INVALID);
  }

  @Test
  void shouldAnswerWithTheProcessorsResult() {
    when(gateway.submit(eq("t-1"), any(), eq("demo_key"), eq("k1")))
        .thenReturn(CompletableFuture.completedFuture(ok(false)));

    MvcTestResult result = post(BODY, "X-SIGNET-API-Key", "demo_key", "k1");

    assertThat(result)
        .hasStatusOk()
        .hasHeader("X-SIGNET-Trace", "t-1")
        .hasHeader("X-ODIN-Trace", "t-1")
        .doesNotContainHeader("X-SIGNET-Idempotency-Hit");
    assertThat(Json.parse(result.getResponse().getContentAsByteArray()).at("/receipt/hop").asInt())
        .isEqualTo(1);
  }

  @Test
  void shouldAcceptThePythonOriginalsHeadersAndMarkReplays() {
    when(gateway.submit(anyString(), any(), anyString(), anyString()))
        .thenReturn(CompletableFuture.completedFuture(ok(true)));

    MvcTestResult result =
        mvc.post()
            .uri("/v1/exchange")
            .contentType(MediaType.APPLICATION_JSON)
            .content(BODY)
            .header("X-ODIN-API-Key", "demo_key")
            .header("X-ODIN-Idempotency-Key", "k1")
            .exchange();

    assertThat(result).hasStatusOk().hasHeader("X-SIGNET-Idempotency-Hit", "1");
  }

  @Test
  void shouldDeriveTheTraceIdFromTenantAndIdempotencyKey() {
    when(gateway.submit(anyString(), any(), anyString(), anyString()))
        .thenReturn(CompletableFuture.completedFuture(ok(false)));
    String withoutTrace = "{\"payload_type\":\"a\",\"target_type\":\"b\",\"payload\":{}}";

    post(withoutTrace, "X-SIGNET-API-Key", "demo_key", "retry-me");

    String expected = new TraceIds(SECRET).derive("demo", "retry-me");
    verify(gateway).submit(eq(expected), any(), eq("demo_key"), eq("retry-me"));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "trace id with NUL | {\"trace_id\":\"a\\u0000b\",\"payload\":{}} | TRACE_ID_INVALID",
        "trace id too long | {\"trace_id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"payload\":{}} | TRACE_ID_INVALID",
        "duplicate member names | {\"payload\":{},\"payload\":{}} | MALFORMED_REQUEST",
        "trailing content | {\"payload\":{}}{} | MALFORMED_REQUEST",
        "integer beyond 2^53 | {\"payload\":{\"TotalMinor\":-18446744073709551615}} | NUMBER_OUT_OF_RANGE",
        "nested too deep | {\"payload\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]} | PAYLOAD_TOO_LARGE"
      })
  void shouldRefuseWhatTheProcessorRefusesWithTheSameCodeWithoutPublishing(
      String name, String body, ErrorCode code) {
    assertProblem(post(body, "X-SIGNET-API-Key", "demo_key", "k1"), code);
    verify(gateway, never()).submit(anyString(), any(), anyString(), anyString());
  }

  @Test
  void shouldRefuseAnIdempotencyKeyWithControlCharacters() {
    assertProblem(
        post(BODY, "X-SIGNET-API-Key", "demo_key", "tab\there"), ErrorCode.IDEMPOTENCY_KEY_INVALID);
  }

  @Test
  void shouldAnswer504WhenNoResultComesInTime() {
    when(gateway.submit(anyString(), any(), anyString(), anyString()))
        .thenReturn(CompletableFuture.failedFuture(new TimeoutException()));
    MvcTestResult result = post(BODY, "X-SIGNET-API-Key", "demo_key", "k1");

    assertProblem(result, ErrorCode.TIMEOUT);
    // The trace id is what a retry with the same idempotency key will be answered under.
    assertThat(Json.parse(result.getResponse().getContentAsByteArray()).get("trace_id").asText())
        .isEqualTo("t-1");
    assertThat(result).hasHeader("X-SIGNET-Trace", "t-1").hasHeader("X-ODIN-Trace", "t-1");
  }

  @Test
  void shouldNameTheTraceWhenThePipelineIsUnavailable() {
    when(gateway.submit(anyString(), any(), anyString(), anyString()))
        .thenReturn(CompletableFuture.failedFuture(new IllegalStateException("broker down")));
    MvcTestResult result = post(BODY, "X-SIGNET-API-Key", "demo_key", "k1");

    assertProblem(result, ErrorCode.UNAVAILABLE);
    assertThat(Json.parse(result.getResponse().getContentAsByteArray()).get("trace_id").asText())
        .isEqualTo("t-1");
  }

  @Test
  void shouldPassProcessorRejectionsThroughAsProblems() {
    var problem = Problem.of(ErrorCode.SCHEMA_INVALID, "/amount must be a number");
    when(gateway.submit(anyString(), any(), anyString(), anyString()))
        .thenReturn(
            CompletableFuture.completedFuture(
                new ExchangeResult.Rejected(
                    422, "t-1", "SCHEMA_INVALID", false, RawJson.of(problem))));
    assertProblem(post(BODY, "X-SIGNET-API-Key", "demo_key", "k1"), ErrorCode.SCHEMA_INVALID);
  }

  @Test
  void shouldAnswerWithTheResultBodyByteForByte() {
    // Spacing and escapes as the processor wrote them: the body is passed on, not parsed and
    // re-written.
    String body = "{ \"trace_id\" : \"t-1\", \"receipt\" : {\"hop\":1, \"note\":\"\\u00e9\"} }";
    when(gateway.submit(anyString(), any(), anyString(), anyString()))
        .thenReturn(
            CompletableFuture.completedFuture(
                ExchangeResult.fromWire(
                    ("{\"status\":200,\"trace_id\":\"t-1\",\"idempotency_hit\":false,\"body\":"
                            + body
                            + "}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))));

    MvcTestResult result = post(BODY, "X-SIGNET-API-Key", "demo_key", "k1");

    assertThat(result).hasStatusOk().hasContentType(MediaType.APPLICATION_JSON);
    assertThat(result.getResponse().getContentAsByteArray())
        .isEqualTo(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
