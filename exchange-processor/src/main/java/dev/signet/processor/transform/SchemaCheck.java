package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One compiled JSON Schema (draft 2020-12, networknt 3.x). networknt 3 reads Jackson 3 trees while
 * Signet's messages are Jackson 2 trees; the instance is copied node by node (exact numbers kept:
 * BigDecimal stays BigDecimal) instead of being re-parsed from text, which would read decimals as
 * doubles. Thread-safe.
 */
final class SchemaCheck {

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder ->
              builder.schemaRegistryConfig(
                  SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER).build()));

  private final Schema schema;

  private SchemaCheck(Schema schema) {
    this.schema = schema;
  }

  static SchemaCheck compile(String type, JsonNode schemaJson) {
    try {
      Schema schema = REGISTRY.getSchema(schemaJson.toString(), InputFormat.JSON);
      schema.initializeValidators();
      return new SchemaCheck(schema);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "schema " + type + " does not compile: " + e.getMessage(), e);
    }
  }

  /**
   * The violations as {@code <pointer>: <message>}, pointers prefixed by {@code at} (where the
   * instance sits in the payload), sorted for a stable detail; empty when valid.
   */
  List<String> violations(JsonNode instance, String at) {
    List<Error> errors = schema.validate(toJackson3(instance));
    return errors.stream()
        .map(error -> at + pointer(error) + ": " + error.getMessage())
        .sorted()
        .distinct()
        .toList();
  }

  private static String pointer(Error error) {
    String location = error.getInstanceLocation().toString();
    return location.isEmpty() || location.equals("/") ? "" : location;
  }

  static tools.jackson.databind.JsonNode toJackson3(JsonNode node) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (node == null || node.isNull() || node.isMissingNode()) {
      return nodes.nullNode();
    }
    if (node.isTextual()) {
      return nodes.stringNode(node.textValue());
    }
    if (node.isBoolean()) {
      return nodes.booleanNode(node.booleanValue());
    }
    if (node.isIntegralNumber()) {
      return nodes.numberNode(node.bigIntegerValue());
    }
    if (node.isNumber()) {
      return nodes.numberNode(node.decimalValue());
    }
    if (node.isArray()) {
      ArrayNode array = nodes.arrayNode();
      node.forEach(element -> array.add(toJackson3(element)));
      return array;
    }
    if (node.isObject()) {
      ObjectNode object = nodes.objectNode();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        object.set(field.getKey(), toJackson3(field.getValue()));
      }
      return object;
    }
    return nodes.stringNode(node.asText());
  }
}
