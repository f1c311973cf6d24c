package dev.signet.ingress.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.error.Problem;
import dev.signet.core.json.Json;
import dev.signet.ingress.auth.Authenticator;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 document springdoc serves at {@code /v3/api-docs}: the operations come from the
 * controllers' annotations, the shared parts from here. The schemas of the request and the receipt
 * are the very files published in {@code docs/schemas/} (copied onto the classpath by the build),
 * the problem schema lists every {@link ErrorCode}, and each operation's problem responses are
 * generated from its {@link Refusals}: nothing is written twice.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

  static final String API_KEY_SCHEME = "apiKey";
  static final String PROBLEM = "Problem";

  /** Schemas of Kafka payloads published in docs/schemas/, by component name. */
  private static final Map<String, String> TOPIC_SCHEMAS =
      Map.of(
          "ExchangeRequest", "exchange-request.schema.json",
          "Receipt", "receipt.schema.json");

  @Bean
  OpenAPI signetOpenApi() {
    Components components =
        new Components()
            .addSecuritySchemes(
                API_KEY_SCHEME,
                new SecurityScheme()
                    .type(SecurityScheme.Type.APIKEY)
                    .in(SecurityScheme.In.HEADER)
                    .name(Authenticator.API_KEY_HEADER)
                    .description(
                        "The tenant's API key (SP_API_KEYS). "
                            + Authenticator.LEGACY_API_KEY_HEADER
                            + " is accepted too, for clients of the Python original. The"
                            + " requirement of each operation names the scope the key needs;"
                            + " a key without scopes has every scope but admin."));
    components.addSchemas(PROBLEM, schema(problemSchema()));
    TOPIC_SCHEMAS.forEach(
        (name, file) -> components.addSchemas(name, schema(topicSchema("signet/schemas/" + file))));
    resource("openapi/schemas.json")
        .properties()
        .forEach(entry -> components.addSchemas(entry.getKey(), schema(entry.getValue())));
    return new OpenAPI()
        .info(
            new Info()
                .title("Signet API")
                .version("v1")
                .description(
                    "Signed, hash-chained receipts for AI-to-AI and API exchanges. Every error"
                        + " is application/problem+json (RFC 9457) with a stable code and, when"
                        + " known, the trace_id. /healthz and /metrics are operational endpoints"
                        + " (actuator) outside this contract.")
                .license(new License().name("Proprietary")))
        .servers(List.of(new Server().url("/").description("this ingress")))
        .tags(
            List.of(
                tag("exchanges", "Verify an exchange and sign its receipt."),
                tag("receipts", "Read chains and signed export bundles of the caller's tenant."),
                tag("billing", "Finance views of the caller's tenant."),
                tag("admin", "Operator endpoints (admin scope)."),
                tag("public", "Documents anyone may read: keys and supported types.")))
        .components(components);
  }

  /** Adds one problem response per status of the handler's {@link Refusals}. */
  @Bean
  OperationCustomizer refusalResponses() {
    return (operation, handler) -> {
      Refusals refusals = handler.getMethodAnnotation(Refusals.class);
      if (refusals != null) {
        addRefusals(operation, refusals.value());
      }
      return operation;
    };
  }

  static void addRefusals(Operation operation, ErrorCode... codes) {
    Map<Integer, List<ErrorCode>> byStatus =
        Arrays.stream(codes)
            .collect(Collectors.groupingBy(ErrorCode::status, TreeMap::new, Collectors.toList()));
    ApiResponses responses =
        operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
    byStatus.forEach(
        (status, group) -> {
          ObjectNode json = Json.MAPPER.createObjectNode();
          json.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + PROBLEM);
          ArrayNode names = json.putObject("properties").putObject("code").putArray("enum");
          group.forEach(code -> names.add(code.name()));
          String description =
              group.stream()
                  .map(code -> code.name() + ": " + code.title())
                  .collect(Collectors.joining("; "));
          ApiResponse existing = responses.get(Integer.toString(status));
          ApiResponse response =
              new ApiResponse()
                  .description(
                      existing == null || existing.getDescription() == null
                          ? description
                          : existing.getDescription() + " " + description)
                  .headers(existing == null ? null : existing.getHeaders())
                  .content(
                      new Content()
                          .addMediaType(Problem.MEDIA_TYPE, new MediaType().schema(schema(json))));
          if (status == ErrorCode.RATE_LIMITED.status()) {
            response.addHeaderObject(
                "Retry-After",
                new Header()
                    .description("Seconds until a retry can succeed.")
                    .schema(schema(Json.MAPPER.createObjectNode().put("type", "integer"))));
          }
          responses.addApiResponse(Integer.toString(status), response);
        });
    operation.setResponses(responses);
  }

  /**
   * RFC 9457 with Signet's members; extension members (required_scope, reasons, ...) may follow.
   */
  private static ObjectNode problemSchema() {
    ObjectNode problem = Json.MAPPER.createObjectNode();
    problem.put("type", "object");
    problem.put(
        "description",
        "An RFC 9457 problem. code is stable; detail is for people. Some codes add members:"
            + " SCOPE_MISSING required_scope, RATE_LIMITED retry_after, RESERVED_CONFIG_INVALID"
            + " reasons, CHAIN_UNVERIFIABLE check (and index, hop or conflicting_hops).");
    problem.putArray("required").add("type").add("title").add("status").add("code");
    ObjectNode properties = problem.putObject("properties");
    properties.putObject("type").put("type", "string").put("format", "uri");
    properties.putObject("title").put("type", "string");
    properties.putObject("status").put("type", "integer");
    properties.putObject("detail").put("type", "string");
    ArrayNode names = properties.putObject("code").put("type", "string").putArray("enum");
    for (ErrorCode code : ErrorCode.values()) {
      names.add(code.name());
    }
    properties
        .putObject("trace_id")
        .put("type", "string")
        .put("description", "The trace the request concerned, when known.");
    return problem;
  }

  /**
   * A published JSON Schema as a component: without its dialect and id, which the document sets.
   */
  private static ObjectNode topicSchema(String path) {
    ObjectNode schema = resource(path);
    schema.remove("$schema");
    schema.remove("$id");
    return schema;
  }

  private static ObjectNode resource(String path) {
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is not on the classpath");
      }
      return (ObjectNode) Json.parse(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  private static Schema<?> schema(JsonNode json) {
    return Json31.mapper().convertValue(json, Schema.class);
  }

  private static Tag tag(String name, String description) {
    return new Tag().name(name).description(description);
  }
}
