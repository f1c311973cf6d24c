package dev.signet.ingress.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.ExportBundle;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.receipt.Verification;
import dev.signet.ingress.auth.Authenticator;
import dev.signet.ingress.auth.Scopes;
import dev.signet.ingress.body.BoundedBody;
import dev.signet.ingress.docs.Refusals;
import dev.signet.ingress.errors.ApiException;
import dev.signet.ingress.trace.TraceHeaders;
import dev.signet.store.query.ChainPage;
import dev.signet.store.query.ReceiptQueries;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Chain reads and signed export bundles, from the receipt store. Tenant-scoped: another tenant's
 * trace is indistinguishable from an unknown one (404). Every read is bounded: chains are read a
 * page at a time, an export reads at most one receipt more than a chain may hold. An export signs
 * only a chain that verifies with this deployment's own keys and has no recorded conflicts: the
 * bundle's signature vouches for its content, so a gap or a tampered row in the store must be
 * refused, not signed.
 */
@RestController
@Tag(name = "receipts")
class ReceiptController {

  static final int DEFAULT_PAGE_SIZE = 100;

  /** The {@code check} of a refused export whose trace has rows in {@code receipt_conflicts}. */
  static final String CONFLICT_RECORDED = "CONFLICT_RECORDED";

  private final Authenticator authenticator;
  private final ReceiptQueries queries;
  private final BoundedBody bodies;
  private final SigningKey signingKey;
  private final ReceiptVerifier verifier;
  private final Clock clock;

  ReceiptController(
      Authenticator authenticator,
      ReceiptQueries queries,
      BoundedBody bodies,
      SigningKey signingKey,
      Jwks jwks) {
    this.authenticator = authenticator;
    this.queries = queries;
    this.bodies = bodies;
    this.signingKey = signingKey;
    // The JWKS this ingress publishes: its active key and the retired ones, exactly what a
    // client verifying the bundle offline will use.
    this.verifier = ReceiptVerifier.withKeys(jwks);
    this.clock = Clock.systemUTC();
  }

  @Operation(
      summary = "Read a page of a trace's chain",
      description =
          "The receipts of one of the caller's traces in hop order, a page at a time. Another"
              + " tenant's trace answers exactly as an unknown one: 404 NOT_FOUND.",
      security = @SecurityRequirement(name = "apiKey", scopes = "receipts.read"),
      parameters = {
        @Parameter(
            name = "traceId",
            in = ParameterIn.PATH,
            description = "The trace id.",
            schema = @Schema(type = "string")),
        @Parameter(
            name = "after_hop",
            in = ParameterIn.QUERY,
            description = "Return hops after this one (0 for the first page).",
            schema = @Schema(type = "integer", minimum = "0", defaultValue = "0")),
        @Parameter(
            name = "limit",
            in = ParameterIn.QUERY,
            description = "Receipts per page.",
            schema =
                @Schema(type = "integer", minimum = "1", maximum = "1000", defaultValue = "100"))
      },
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "The page.",
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(ref = "#/components/schemas/Chain"))))
  @Refusals({
    ErrorCode.MALFORMED_REQUEST,
    ErrorCode.TRACE_ID_INVALID,
    ErrorCode.AUTH_MISSING,
    ErrorCode.AUTH_INVALID,
    ErrorCode.SCOPE_MISSING,
    ErrorCode.NOT_FOUND,
    ErrorCode.NOT_ACCEPTABLE,
    ErrorCode.UNAVAILABLE
  })
  @GetMapping(
      path = "/v1/receipts/chain/{traceId}",
      produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
  ResponseEntity<byte[]> chain(
      HttpServletRequest request,
      @PathVariable String traceId,
      @RequestParam(name = "after_hop", defaultValue = "0") int afterHop,
      @RequestParam(name = "limit", defaultValue = "" + DEFAULT_PAGE_SIZE) int limit) {
    Authenticator.Caller caller = authenticator.authenticate(request, Scopes.RECEIPTS_READ);
    remember(request, traceId);
    if (afterHop < 0) {
      throw new ApiException(ErrorCode.MALFORMED_REQUEST, "after_hop must be 0 or more");
    }
    if (limit < 1 || limit > ReceiptQueries.MAX_PAGE_SIZE) {
      throw new ApiException(
          ErrorCode.MALFORMED_REQUEST, "limit must be within 1.." + ReceiptQueries.MAX_PAGE_SIZE);
    }
    ChainPage page =
        queries
            .chainPage(caller.tenant().tenant(), traceId, afterHop, limit)
            .orElseThrow(() -> unknown(traceId));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("trace_id", traceId);
    body.put("hops", page.receipts().size());
    body.putArray("chain").addAll(page.receipts());
    page.nextAfterHop().ifPresent(next -> body.put("next_after_hop", next));
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.toBytes(body));
  }

  @Operation(
      summary = "Export a trace as a signed bundle",
      description =
          "The whole chain of one of the caller's traces, signed as an offline proof. Only a chain"
              + " that verifies with this deployment's keys and has no recorded conflicts is"
              + " signed (else 409 CHAIN_UNVERIFIABLE). Another tenant's trace answers exactly as"
              + " an unknown one: 404 NOT_FOUND. Headers X-ODIN-Response-CID, X-ODIN-Signature"
              + " and X-ODIN-KID repeat bundle_cid, signature and kid.",
      security = @SecurityRequirement(name = "apiKey", scopes = "receipts.read"),
      parameters =
          @Parameter(
              name = "traceId",
              in = ParameterIn.PATH,
              description = "The trace id.",
              schema = @Schema(type = "string")),
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "The signed bundle.",
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(ref = "#/components/schemas/ExportBundle"))))
  @Refusals({
    ErrorCode.TRACE_ID_INVALID,
    ErrorCode.AUTH_MISSING,
    ErrorCode.AUTH_INVALID,
    ErrorCode.SCOPE_MISSING,
    ErrorCode.NOT_FOUND,
    ErrorCode.NOT_ACCEPTABLE,
    ErrorCode.CHAIN_TOO_LONG,
    ErrorCode.CHAIN_UNVERIFIABLE,
    ErrorCode.UNAVAILABLE
  })
  @GetMapping(
      path = "/v1/receipts/export/{traceId}",
      produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
  ResponseEntity<byte[]> export(HttpServletRequest request, @PathVariable String traceId) {
    Authenticator.Caller caller = authenticator.authenticate(request, Scopes.RECEIPTS_READ);
    remember(request, traceId);
    return bundle(caller, traceId);
  }

  @Operation(
      summary = "Export a trace as a signed bundle (POST form)",
      description =
          "As GET /v1/receipts/export/{traceId}, with the trace id in the body, as the Python"
              + " original took it.",
      security = @SecurityRequirement(name = "apiKey", scopes = "receipts.read"),
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(ref = "#/components/schemas/ExportRequest"))),
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "The signed bundle.",
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(ref = "#/components/schemas/ExportBundle"))))
  @Refusals({
    ErrorCode.TRACE_ID_INVALID,
    ErrorCode.AUTH_MISSING,
    ErrorCode.AUTH_INVALID,
    ErrorCode.SCOPE_MISSING,
    ErrorCode.NOT_FOUND,
    ErrorCode.NOT_ACCEPTABLE,
    ErrorCode.CHAIN_TOO_LONG,
    ErrorCode.CHAIN_UNVERIFIABLE,
    ErrorCode.UNAVAILABLE,
    ErrorCode.MALFORMED_REQUEST,
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE
  })
  @PostMapping(
      path = "/v1/export/bundle",
      produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
  ResponseEntity<byte[]> exportBundle(HttpServletRequest request) {
    Authenticator.Caller caller = authenticator.authenticate(request, Scopes.RECEIPTS_READ);
    byte[] body = bodies.read(request);
    JsonNode traceId;
    try {
      // Any JSON value may arrive (null, an array, a number): only an object's string counts.
      JsonNode json = body.length == 0 ? null : Json.parse(body);
      traceId = json == null ? null : json.get("trace_id");
    } catch (Json.MalformedJsonException e) {
      throw new ApiException(ErrorCode.MALFORMED_REQUEST, "send {\"trace_id\": \"...\"}");
    }
    if (traceId == null || !traceId.isTextual() || traceId.textValue().isBlank()) {
      throw new ApiException(ErrorCode.MALFORMED_REQUEST, "send {\"trace_id\": \"...\"}");
    }
    remember(request, traceId.textValue());
    return bundle(caller, traceId.textValue());
  }

  private ResponseEntity<byte[]> bundle(Authenticator.Caller caller, String traceId) {
    List<JsonNode> chain = exportableChain(caller, traceId);
    ObjectNode bundle = ExportBundle.create(traceId, chain, clock.instant(), signingKey);
    // Headers of the Python original, so its clients keep working.
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .header("X-ODIN-Response-CID", bundle.get("bundle_cid").asText())
        .header("X-ODIN-Signature", bundle.get("signature").asText())
        .header("X-ODIN-KID", bundle.get("kid").asText())
        .body(Json.toBytes(bundle));
  }

  /** The whole stored chain, if it is one this deployment may sign; else a refusal naming why. */
  private List<JsonNode> exportableChain(Authenticator.Caller caller, String traceId) {
    List<JsonNode> chain =
        queries.chain(caller.tenant().tenant(), traceId).orElseThrow(() -> unknown(traceId));
    if (chain.size() > Receipt.MAX_HOPS) {
      throw new ApiException(
          ErrorCode.CHAIN_TOO_LONG,
          "the store holds more than " + Receipt.MAX_HOPS + " receipts for this trace");
    }
    List<Integer> conflicts = queries.conflictingHops(traceId);
    if (!conflicts.isEmpty()) {
      throw new ApiException(
          ErrorCode.CHAIN_UNVERIFIABLE,
          "different receipts were recorded for hop(s) "
              + conflicts
              + " of this trace; it is not exported",
          Map.of("check", CONFLICT_RECORDED, "conflicting_hops", conflicts));
    }
    if (verifier.verifyChain(chain) instanceof Verification.Invalid invalid) {
      throw new ApiException(
          ErrorCode.CHAIN_UNVERIFIABLE,
          invalid.describe(),
          Map.of("check", invalid.check().name(), "index", invalid.index(), "hop", invalid.hop()));
    }
    return chain;
  }

  /**
   * Remembers a trace id for the answer's headers once it is one a trace can have: any other is
   * refused before it is echoed (a 5,000-character path would not even fit the response headers) or
   * looked up. No stored trace has an invalid id, so this tells nobody anything about others.
   */
  private static void remember(HttpServletRequest request, String traceId) {
    Admission.checkTraceId(traceId)
        .ifPresent(
            refused -> {
              throw new ApiException(refused.code(), refused.detail());
            });
    TraceHeaders.remember(request, traceId);
  }

  private static ApiException unknown(String traceId) {
    return new ApiException(ErrorCode.NOT_FOUND, "no trace " + traceId);
  }
}
