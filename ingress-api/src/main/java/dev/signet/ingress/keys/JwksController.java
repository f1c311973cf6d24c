package dev.signet.ingress.keys;

import dev.signet.core.crypto.Jwks;
import dev.signet.core.json.Json;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public keys that verify receipts and bundles, active first, retired after. Cached for five
 * minutes: long enough to spare the server, short enough that a rotation is seen soon.
 */
@RestController
@Tag(name = "public")
class JwksController {

  private final byte[] document;

  JwksController(Jwks jwks) {
    this.document = Json.toBytes(jwks.toJson());
  }

  @Operation(
      summary = "The public keys that verify receipts and bundles",
      description = "No key needed. Cached for five minutes.",
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "The JWKS.",
              content =
                  @Content(
                      mediaType = "application/jwk-set+json",
                      schema = @Schema(ref = "#/components/schemas/Jwks"))))
  @GetMapping(
      path = {"/.well-known/jwks.json", "/.well-known/signet-jwks.json"},
      produces = {"application/jwk-set+json", MediaType.APPLICATION_JSON_VALUE})
  ResponseEntity<byte[]> jwks() {
    return ResponseEntity.ok()
        .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
        .contentType(MediaType.parseMediaType("application/jwk-set+json"))
        .body(document);
  }
}
