package dev.signet.ingress.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.ExportBundle;
import dev.signet.ingress.auth.Authenticator;
import dev.signet.ingress.errors.ApiException;
import dev.signet.store.ReceiptQueries;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Chain reads and signed export bundles, from the receipt store. Tenant-scoped: another
 * tenant's trace is indistinguishable from an unknown one (404).
 */
@RestController
class ReceiptController {

  private final Authenticator authenticator;
  private final ReceiptQueries queries;
  private final SigningKey signingKey;
  private final Clock clock;

  ReceiptController(Authenticator authenticator, ReceiptQueries queries, SigningKey signingKey) {
    this.authenticator = authenticator;
    this.queries = queries;
    this.signingKey = signingKey;
    this.clock = Clock.systemUTC();
  }

  @GetMapping(path = "/v1/receipts/chain/{traceId}", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<byte[]> chain(HttpServletRequest request, @PathVariable String traceId) {
    List<JsonNode> chain = chainOf(request, traceId);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("trace_id", traceId);
    body.put("hops", chain.size());
    body.putArray("chain").addAll(chain);
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.toBytes(body));
  }

  @GetMapping(path = "/v1/receipts/export/{traceId}", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<byte[]> export(HttpServletRequest request, @PathVariable String traceId) {
    return bundle(traceId, chainOf(request, traceId));
  }

  record ExportRequest(String traceId) {}

  @PostMapping(path = "/v1/export/bundle", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<byte[]> exportBundle(HttpServletRequest request, @RequestBody(required = false) byte[] body) {
    authenticator.authenticate(request);
    String traceId;
    try {
      traceId = body == null ? null : Json.read(body, ExportRequest.class).traceId();
    } catch (Json.MalformedJsonException e) {
      throw new ApiException(ErrorCode.MALFORMED_REQUEST, "send {\"trace_id\": \"...\"}");
    }
    if (traceId == null || traceId.isBlank()) {
      throw new ApiException(ErrorCode.MALFORMED_REQUEST, "send {\"trace_id\": \"...\"}");
    }
    return bundle(traceId, chainOf(request, traceId));
  }

  private List<JsonNode> chainOf(HttpServletRequest request, String traceId) {
    Authenticator.Caller caller = authenticator.authenticate(request);
    return queries
        .chain(caller.tenant().tenant(), traceId)
        .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no trace " + traceId));
  }

  private ResponseEntity<byte[]> bundle(String traceId, List<JsonNode> chain) {
    ObjectNode bundle = ExportBundle.create(traceId, chain, clock.instant(), signingKey);
    // Headers of the Python original, so its clients keep working.
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .header("X-ODIN-Response-CID", bundle.get("bundle_cid").asText())
        .header("X-ODIN-Signature", bundle.get("signature").asText())
        .header("X-ODIN-KID", bundle.get("kid").asText())
        .body(Json.toBytes(bundle));
  }
}
