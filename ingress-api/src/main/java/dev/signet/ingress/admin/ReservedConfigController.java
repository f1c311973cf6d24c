package dev.signet.ingress.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.billing.reserved.ReservedConfigPublisher;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import dev.signet.ingress.auth.Authenticator;
import dev.signet.ingress.auth.Scopes;
import dev.signet.ingress.config.IngressProperties;
import dev.signet.ingress.docs.Refusals;
import dev.signet.ingress.errors.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/admin/reload-reserved}: re-reads {@code SP_RESERVED_CONFIG} and publishes what
 * changed (see {@link ReservedConfigPublisher}), without a restart. An invalid file is refused with
 * every reason and publishes nothing, so the config in force stays.
 */
@RestController
@Tag(name = "admin")
class ReservedConfigController {

  private final Authenticator authenticator;
  private final ReservedConfigPublisher publisher;
  private final IngressProperties properties;

  ReservedConfigController(
      Authenticator authenticator,
      ReservedConfigPublisher publisher,
      IngressProperties properties) {
    this.authenticator = authenticator;
    this.publisher = publisher;
    this.properties = properties;
  }

  @Operation(
      summary = "Reload the reserved-capacity file",
      description =
          "Re-reads SP_RESERVED_CONFIG and publishes what changed, without a restart. An invalid"
              + " file publishes nothing (422 with every reason); the config in force stays.",
      security = @SecurityRequirement(name = "apiKey", scopes = "admin"),
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "Published.",
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(ref = "#/components/schemas/ReloadSummary"))))
  @Refusals({
    ErrorCode.AUTH_MISSING,
    ErrorCode.AUTH_INVALID,
    ErrorCode.SCOPE_MISSING,
    ErrorCode.NOT_ACCEPTABLE,
    ErrorCode.RESERVED_CONFIG_UNSET,
    ErrorCode.RESERVED_CONFIG_INVALID,
    ErrorCode.UNAVAILABLE
  })
  @PostMapping(
      path = "/v1/admin/reload-reserved",
      produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
  ResponseEntity<byte[]> reload(HttpServletRequest request) {
    Authenticator.Caller caller = authenticator.authenticate(request, Scopes.ADMIN);
    Path file =
        properties
            .reservedConfigFile()
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.RESERVED_CONFIG_UNSET,
                        ReservedConfigPublisher.ENV + " is not set on this ingress"));
    ReservedConfigPublisher.Outcome outcome;
    try {
      outcome =
          publisher.publish(file, ReservedConfigPublisher.changedByAdmin(caller.tenant().tenant()));
    } catch (ReservedConfigPublisher.PublishFailedException e) {
      throw new ApiException(
          ErrorCode.UNAVAILABLE, "Kafka did not take the reserved capacity; retry later", e);
    }
    if (outcome instanceof ReservedConfigPublisher.Refused refused) {
      throw new ApiException(
          ErrorCode.RESERVED_CONFIG_INVALID,
          refused.reasons().size() + " problem(s) in " + ReservedConfigPublisher.ENV,
          Map.of("reasons", refused.reasons()));
    }
    return ok(((ReservedConfigPublisher.Published) outcome).summary());
  }

  private static ResponseEntity<byte[]> ok(ReservedConfigPublisher.Summary summary) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("source_sha256", summary.sourceSha256());
    body.put("published", summary.published());
    array(body, "added", summary.added());
    array(body, "changed", summary.changed());
    array(body, "removed", summary.removed());
    array(body, "unchanged", summary.unchanged());
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.toBytes(body));
  }

  private static void array(ObjectNode body, String name, List<String> tenants) {
    tenants.forEach(body.putArray(name)::add);
  }
}
