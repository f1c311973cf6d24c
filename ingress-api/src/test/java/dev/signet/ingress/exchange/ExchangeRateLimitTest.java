package dev.signet.ingress.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.admission.Admission;
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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
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

/** {@code POST /v1/exchange} with a limit of 1 request/s per tenant, on a clock the test moves. */
@WebMvcTest(ExchangeController.class)
@Import({Authenticator.class, BoundedBody.class, ExchangeRateLimitTest.Config.class})
class ExchangeRateLimitTest {

  static final ManualTime TIME = new ManualTime();

  @TestConfiguration
  static class Config {
    @Bean
    ApiKeyTable apiKeys() {
      return ApiKeyTable.fixed(
          ApiKeys.parse(
              "{\"demo_key\":{\"tenant\":\"demo\"},\"other_key\":{\"tenant\":\"other\"}}"));
    }

    @Bean
    RateLimiter rateLimiter() {
      return new RateLimiter(1, TIME);
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
      return new TraceIds(ExchangeControllerTest.SECRET);
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Autowired MockMvcTester mvc;
  @MockitoBean ExchangeGateway gateway;

  @BeforeEach
  void refillEveryBucketAndAnswer() {
    TIME.advance(Duration.ofSeconds(10));
    var body = Json.MAPPER.createObjectNode().put("trace_id", "t-1");
    when(gateway.submit(anyString(), any(), anyString(), anyString()))
        .thenReturn(
            CompletableFuture.completedFuture(
                new ExchangeResult.Accepted("t-1", false, RawJson.of(body))));
  }

  private MvcTestResult post(String apiKey) {
    return mvc.post()
        .uri("/v1/exchange")
        .contentType(MediaType.APPLICATION_JSON)
        .header("X-SIGNET-API-Key", apiKey)
        .header("X-SIGNET-Idempotency-Key", "k1")
        .content(
            "{\"payload_type\":\"a\",\"target_type\":\"b\",\"payload\":{},\"trace_id\":\"t-1\"}")
        .exchange();
  }

  @Test
  void shouldCarryTheRateLimitHeadersOnAnAdmittedExchange() {
    MvcTestResult result = post("demo_key");

    assertThat(result)
        .hasStatusOk()
        .hasHeader("RateLimit-Limit", "1")
        .hasHeader("RateLimit-Remaining", "0")
        .hasHeader("RateLimit-Reset", "1")
        .doesNotContainHeader("Retry-After");
  }

  @Test
  void shouldRefuseTheNextExchangeWith429AndRetryAfterWithoutPublishing() {
    post("demo_key");
    TIME.advance(Duration.ofMillis(300));

    MvcTestResult result = post("demo_key");

    assertThat(result)
        .hasStatus(429)
        .hasHeader("Retry-After", "1")
        .hasHeader("RateLimit-Limit", "1")
        .hasHeader("RateLimit-Remaining", "0")
        .hasHeader("RateLimit-Reset", "1");
    assertThat(result.getResponse().getContentType()).isEqualTo(Problem.MEDIA_TYPE);
    JsonNode problem = Json.parse(result.getResponse().getContentAsByteArray());
    assertThat(problem.get("code").asText()).isEqualTo("RATE_LIMITED");
    assertThat(problem.get("retry_after").asLong()).isEqualTo(1);
    verify(gateway, times(1)).submit(anyString(), any(), anyString(), anyString());
  }

  @Test
  void shouldNotLimitAnotherTenantWhenOneIsLimited() {
    post("demo_key");
    assertThat(post("demo_key")).hasStatus(429);

    MvcTestResult other = post("other_key");

    assertThat(other).hasStatusOk().hasHeader("RateLimit-Remaining", "0");
  }

  @Test
  void shouldAdmitTheTenantAgainAfterRetryAfter() {
    post("demo_key");
    assertThat(post("demo_key")).hasStatus(429);

    TIME.advance(Duration.ofSeconds(1));

    assertThat(post("demo_key")).hasStatusOk();
  }

  @Test
  void shouldRefuseBeforeReadingOrPublishingTheBody() {
    post("demo_key");
    org.mockito.Mockito.clearInvocations(gateway);

    MvcTestResult result =
        mvc.post()
            .uri("/v1/exchange")
            .contentType(MediaType.APPLICATION_JSON)
            .header("X-SIGNET-API-Key", "demo_key")
            .header("X-SIGNET-Idempotency-Key", "k2")
            .content("{not json")
            .exchange();

    assertThat(result).hasStatus(429);
    verify(gateway, never()).submit(anyString(), any(), anyString(), anyString());
  }
}
