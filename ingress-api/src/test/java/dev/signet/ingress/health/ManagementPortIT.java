package dev.signet.ingress.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.json.Json;
import dev.signet.ingress.StandaloneIngress;
import dev.signet.ingress.TestHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * With {@code SP_MANAGEMENT_PORT} set, health and metrics answer on that port and not on the API's,
 * and health details stay for admin keys only there too.
 */
@StandaloneIngress
@TestPropertySource(
    properties = {
      "SP_MANAGEMENT_PORT=0",
      "management.server.address=127.0.0.1",
      "signet.api-keys={\"demo_key\":{\"tenant\":\"demo\"},"
          + "\"ops_key\":{\"tenant\":\"ops\",\"scopes\":[\"admin\"]}}"
    })
class ManagementPortIT {

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path, String apiKey) {
    return TestHttp.send(
        http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET(), apiKey);
  }

  @Test
  void shouldServeMetricsOnTheManagementPortOnly() {
    HttpResponse<String> metrics = get(managementPort, "/metrics", null);

    assertThat(managementPort).isNotEqualTo(port);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("signet_ingress_exchange_seconds")
        .contains("signet_meter_registration_failures_total 0.0");
    HttpResponse<String> onTheApiPort = get(port, "/metrics", null);
    assertThat(onTheApiPort.statusCode()).isEqualTo(404);
    assertThat(Json.parse(onTheApiPort.body()).get("code").asText()).isEqualTo("NOT_FOUND");
  }

  @Test
  void shouldServeHealthOnTheManagementPortWithDetailsForAdminKeysOnly() {
    HttpResponse<String> anonymous = get(managementPort, "/healthz", null);
    HttpResponse<String> tenant = get(managementPort, "/healthz", "demo_key");
    HttpResponse<String> admin = get(managementPort, "/healthz", "ops_key");

    assertThat(Json.parse(anonymous.body()).has("status")).isTrue();
    assertThat(Json.parse(anonymous.body()).has("components")).isFalse();
    assertThat(Json.parse(tenant.body()).has("components")).isFalse();
    assertThat(Json.parse(admin.body()).at("/components/receiptStore/status").asText())
        .isEqualTo("DOWN");
    assertThat(get(port, "/healthz", "ops_key").statusCode()).isEqualTo(404);
  }
}
