package dev.signet.ingress.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.signet.core.json.Json;
import dev.signet.ingress.StandaloneIngress;
import dev.signet.ingress.TestHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The OpenAPI contract as a running ingress serves it: equal to the committed {@code
 * docs/openapi.json} (so every change to the HTTP API shows up as a reviewed diff of the contract),
 * complete for every operation, and readable without an API key, as is the Swagger UI at {@code
 * /docs}.
 */
@StandaloneIngress
class OpenApiSnapshotIT {

  static final Path SNAPSHOT = Path.of("..", "docs", "openapi.json");
  static final String UPDATE_PROPERTY = "signet.openapi.update";

  @LocalServerPort int port;

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  private HttpResponse<String> get(String path) {
    return TestHttp.send(
        http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET(), null);
  }

  private JsonNode served() {
    HttpResponse<String> response = get("/v3/api-docs");
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.parse(response.body());
  }

  @Test
  void shouldServeTheCommittedContract() throws IOException {
    JsonNode served = served();
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      Files.writeString(SNAPSHOT, pretty(served), StandardCharsets.UTF_8);
    }

    assertThat(Files.exists(SNAPSHOT)).as("%s exists", SNAPSHOT).isTrue();
    assertThat(served)
        .withFailMessage(
            "docs/openapi.json differs from the contract the controllers describe. If the change"
                + " is intended, regenerate it and review the diff:%n  ./mvnw -o -B -pl ingress-api"
                + " -am verify -Dit.test=OpenApiSnapshotIT -Dtest=none"
                + " -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dfailsafe.failIfNoSpecifiedTests=false -D%s=true",
            UPDATE_PROPERTY)
        .isEqualTo(Json.parse(Files.readString(SNAPSHOT, StandardCharsets.UTF_8)));
  }

  @Test
  void shouldBeOpenApi31WithTheApiKeyScheme() {
    JsonNode doc = served();

    assertThat(doc.get("openapi").asText()).startsWith("3.1.");
    assertThat(doc.at("/components/securitySchemes/apiKey/in").asText()).isEqualTo("header");
    assertThat(doc.at("/components/securitySchemes/apiKey/name").asText())
        .isEqualTo("X-SIGNET-API-Key");
    assertThat(doc.at("/components/schemas/Problem/properties/code/enum"))
        .extracting(JsonNode::asText)
        .contains("AUTH_MISSING", "IDEMPOTENCY_CONFLICT", "NOT_FOUND", "INTERNAL");
  }

  /** Each operation names a tag, a summary, its success and every error as a problem. */
  @Test
  void shouldDescribeEveryOperationCompletely() {
    JsonNode paths = served().get("paths");
    List<String> operations = new ArrayList<>();
    Set<String> publicOperations =
        Set.of("get /.well-known/jwks.json", "get /.well-known/signet-jwks.json", "get /v1/types");

    for (Map.Entry<String, JsonNode> path : paths.properties()) {
      for (Map.Entry<String, JsonNode> entry : path.getValue().properties()) {
        String name = entry.getKey() + " " + path.getKey();
        JsonNode operation = entry.getValue();
        operations.add(name);
        assertThat(operation.path("summary").asText()).as(name + " summary").isNotBlank();
        assertThat(operation.path("tags")).as(name + " tags").isNotEmpty();
        assertThat(operation.at("/responses/200/content")).as(name + " 200").isNotEmpty();
        operation
            .get("responses")
            .properties()
            .forEach(
                response -> {
                  if (response.getKey().compareTo("400") >= 0) {
                    assertThat(response.getValue().at("/content/application~1problem+json/schema"))
                        .as(name + " " + response.getKey() + " is a problem")
                        .isNotEmpty();
                  }
                });
        if (publicOperations.contains(name)) {
          assertThat(operation.path("security")).as(name + " needs no key").isEmpty();
        } else {
          assertThat(operation.at("/security/0/apiKey")).as(name + " scope").hasSize(1);
          assertThat(operation.at("/responses/401")).as(name + " 401").isNotEmpty();
        }
      }
    }
    assertThat(operations)
        .containsExactlyInAnyOrder(
            "post /v1/exchange",
            "get /v1/receipts/chain/{traceId}",
            "get /v1/receipts/export/{traceId}",
            "post /v1/export/bundle",
            "get /v1/billing/usage",
            "get /v1/billing/charges",
            "post /v1/admin/reload-reserved",
            "get /.well-known/jwks.json",
            "get /.well-known/signet-jwks.json",
            "get /v1/types");
  }

  @Test
  void shouldDocumentTheIdempotencyKeyAndTheRequestBodyOfAnExchange() {
    JsonNode exchange = served().at("/paths/~1v1~1exchange/post");

    assertThat(exchange.get("parameters"))
        .anySatisfy(
            p -> {
              assertThat(p.get("name").asText()).isEqualTo("X-SIGNET-Idempotency-Key");
              assertThat(p.get("in").asText()).isEqualTo("header");
              assertThat(p.get("required").asBoolean()).isTrue();
            });
    assertThat(exchange.at("/requestBody/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/ExchangeRequest");
    assertThat(exchange.at("/responses/409/content/application~1problem+json/schema"))
        .asString()
        .contains("IDEMPOTENCY_CONFLICT", "CHAIN_CONFLICT");
  }

  @Test
  void shouldServeTheSwaggerUiAtDocsWithoutAKey() {
    HttpResponse<String> ui = get("/docs");

    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(ui.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(ui.body()).containsIgnoringCase("swagger");
  }

  private static String pretty(JsonNode json) throws IOException {
    Object sorted = Json.MAPPER.convertValue(json, Object.class);
    return Json.MAPPER
            .copy()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .writeValueAsString(sorted)
        + "\n";
  }
}
