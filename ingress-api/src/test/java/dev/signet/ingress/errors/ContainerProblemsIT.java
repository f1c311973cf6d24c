package dev.signet.ingress.errors;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import dev.signet.ingress.StandaloneIngress;
import dev.signet.ingress.TestHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Requests the fuzz test found answered with a 500 or with Tomcat's HTML, against the real embedded
 * Tomcat: each is now a 4xx problem.
 */
@StandaloneIngress
class ContainerProblemsIT {

  @LocalServerPort int port;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(HttpRequest.Builder request) {
    return TestHttp.send(http, request, "demo_key");
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static JsonNode problem(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode problem = Json.parse(response.body());
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    return problem;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/v1/billing/usage?period=%FF",
        "/v1/billing/charges?period=%C0%AF",
        "/v1/receipts/chain/t-1?after_hop=%FF"
      })
  void shouldRefuseAnUndecodableQueryParameterAsMalformed(String path) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());

    assertThat(problem(response, 400).get("code").asText()).isEqualTo("MALFORMED_REQUEST");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"null", "[]", "1", "{\"trace_id\":7}", "{\"trace_id\":null}", " "})
  void shouldRefuseAnExportBodyWithoutATraceIdString(String body) {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/v1/export/bundle"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));

    assertThat(problem(response, 400).get("code").asText()).isEqualTo("MALFORMED_REQUEST");
  }

  @Test
  void shouldRefuseAnOverlongTraceIdWithoutEchoingIt() {
    String traceId = "x".repeat(5000);
    HttpResponse<String> chain =
        send(HttpRequest.newBuilder(uri("/v1/receipts/chain/" + traceId)).GET());
    HttpResponse<String> bundle =
        send(
            HttpRequest.newBuilder(uri("/v1/export/bundle"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"trace_id\":\"" + traceId + "\"}")));

    assertThat(problem(chain, 400).get("code").asText()).isEqualTo("TRACE_ID_INVALID");
    assertThat(chain.headers().firstValue("X-SIGNET-Trace")).isEmpty();
    assertThat(problem(bundle, 400).get("code").asText()).isEqualTo("TRACE_ID_INVALID");
  }

  @Test
  void shouldAnswerRequestHeadersOverTheLimitWithAProblem() {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(uri("/v1/types")).header("X-Filler", "f".repeat(20_000)).GET());

    assertThat(problem(response, 400).get("code").asText()).isEqualTo("MALFORMED_REQUEST");
  }

  /** Tomcat refuses these URIs before any servlet runs; java.net.http would not send them. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/%00", "/v1/receipts/chain/%FF", "/v1/..%2F..%2Fetc"})
  void shouldAnswerAUriTomcatRefusesWithAProblem(String path) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), US_ASCII);
      String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);

      assertThat(response).startsWith("HTTP/1.1 400");
      assertThat(head).contains("content-type: application/problem+json");
      String body = response.substring(response.indexOf("\r\n\r\n") + 4);
      body = body.substring(body.indexOf('{'), body.lastIndexOf('}') + 1);
      assertThat(Json.parse(body).get("code").asText()).isEqualTo("MALFORMED_REQUEST");
    }
  }
}
