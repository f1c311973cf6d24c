package dev.signet.ingress.types;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.json.Json;
import dev.signet.core.types.TypePair;
import dev.signet.core.types.TypeRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/types}: the supported payload/target pairs with their JSON Schemas, from the same
 * files the processor maps with. Public, like the JWKS: schemas are no secret. The document is
 * built once, as the files are read only at start.
 */
@RestController
@Tag(name = "public")
class TypesController {

  private final byte[] document;

  TypesController(TypeRegistry types) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode pairs = root.putArray("pairs");
    for (TypePair pair : types.pairs()) {
      ObjectNode entry = pairs.addObject();
      entry.put("payload_type", pair.payloadType());
      entry.put("target_type", pair.targetType());
      entry.set("payload_schema", types.schema(pair.payloadType()).orElseThrow());
      entry.set("target_schema", types.schema(pair.targetType()).orElseThrow());
      types
          .mapping(pair)
          .map(mapping -> mapping.path("embedded").path("schema").asText(""))
          .filter(name -> !name.isEmpty())
          .flatMap(types::schema)
          .ifPresent(schema -> entry.set("embedded_schema", schema));
    }
    this.document = Json.toBytes(root);
  }

  @Operation(
      summary = "Supported payload/target type pairs with their JSON Schemas",
      description = "No key needed.",
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "The pairs.",
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(ref = "#/components/schemas/Types"))))
  @GetMapping(
      path = "/v1/types",
      produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
  ResponseEntity<byte[]> types() {
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(document);
  }
}
