package dev.signet.ingress.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import dev.signet.ingress.IngressApplication;
import dev.signet.ingress.exchange.ExchangeGateway;
import dev.signet.store.query.ReceiptQueries;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * {@code /healthz} with the application's own actuator settings: the status for everyone, the
 * components only for a key with the admin scope. Kafka and PostgreSQL are mocks, both healthy.
 */
@SpringBootTest(
    classes = IngressApplication.class,
    properties = {
      "signet.api-keys={\"admin_key\":{\"tenant\":\"ops\",\"scopes\":[\"admin\"]},"
          + "\"legacy_key\":{\"tenant\":\"demo\"},"
          + "\"reader_key\":{\"tenant\":\"demo\",\"scopes\":[\"receipts.read\",\"billing.read\"]}}",
      // 32 zero bytes, base64url: a valid Ed25519 seed for a test.
      "signet.private-key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "signet.kafka-bootstrap=127.0.0.1:1",
      "signet.postgres-url=jdbc:postgresql://127.0.0.1:1/unused",
      "management.health.db.enabled=false"
    })
@AutoConfigureMockMvc
class HealthDetailsTest {

  @Autowired MockMvcTester mvc;
  @MockitoBean ExchangeGateway gateway;
  @MockitoBean ReceiptQueries queries;

  @MockitoBean(name = "receiptDataSource")
  DataSource dataSource;

  @BeforeEach
  void healthyDependencies() {
    when(gateway.isHealthy()).thenReturn(true);
    when(queries.isReady()).thenReturn(true);
  }

  private MvcTestResult health(String path, String header, String apiKey) {
    var request = mvc.get().uri(path);
    if (apiKey != null) {
      request = request.header(header, apiKey);
    }
    return request.exchange();
  }

  private static JsonNode json(MvcTestResult result) {
    return Json.parse(result.getResponse().getContentAsByteArray());
  }

  @Test
  void shouldShowTheComponentsToAnAdminKey() {
    MvcTestResult result = health("/healthz", "X-SIGNET-API-Key", "admin_key");

    assertThat(result).hasStatusOk();
    JsonNode body = json(result);
    assertThat(body.get("status").asText()).isEqualTo("UP");
    assertThat(body.at("/components/kafka/details/replies").asText()).isEqualTo("listening");
    assertThat(body.at("/components/receiptStore/status").asText()).isEqualTo("UP");
  }

  @Test
  void shouldShowTheComponentsToAnAdminKeyInThePythonOriginalsHeader() {
    assertThat(json(health("/healthz", "X-ODIN-API-Key", "admin_key")).has("components")).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "none",
      value = {
        "no key | none",
        "a key without scopes | legacy_key",
        "a key with other scopes | reader_key",
        "an unknown key | nope"
      })
  void shouldShowOnlyTheStatusToAnyoneElse(String name, String apiKey) {
    MvcTestResult result = health("/healthz", "X-SIGNET-API-Key", apiKey);

    assertThat(result).hasStatusOk();
    JsonNode body = json(result);
    assertThat(body.get("status").asText()).isEqualTo("UP");
    assertThat(body.has("components")).isFalse();
    assertThat(body.has("details")).isFalse();
  }

  @Test
  void shouldReportADownDependencyInTheStatusWithoutAKey() {
    when(gateway.isHealthy()).thenReturn(false);

    MvcTestResult result = health("/healthz", "X-SIGNET-API-Key", null);

    assertThat(result).hasStatus(503);
    assertThat(json(result).get("status").asText()).isEqualTo("DOWN");
    assertThat(json(result).has("components")).isFalse();
  }

  @Test
  void shouldKeepLivenessPublic() {
    MvcTestResult result = health("/healthz/liveness", "X-SIGNET-API-Key", null);

    assertThat(result).hasStatusOk();
    assertThat(json(result).get("status").asText()).isEqualTo("UP");
  }
}
