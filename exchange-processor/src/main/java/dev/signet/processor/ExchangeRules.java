package dev.signet.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.error.Problem;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.json.RawJson;
import dev.signet.core.message.ExchangeRequest;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.receipt.Policy;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.receipt.SealedReceipt;
import dev.signet.core.tenant.Tenant;
import dev.signet.core.types.TypePair;
import dev.signet.processor.chain.ChainHead;
import dev.signet.processor.chain.Chaining;
import dev.signet.processor.transform.Outcome;
import dev.signet.processor.transform.Transformations;
import java.time.Instant;

/**
 * The rules of one admitted exchange, from an authenticated request and its trace's chain head to a
 * sealed receipt or a rejection. Pure: no Kafka, no stores, no clock, so the whole rule set is
 * unit-testable and runs on the stream thread without I/O.
 */
final class ExchangeRules {

  private final Transformations transformations;
  private final ReceiptIssuer issuer;

  ExchangeRules(Transformations transformations, ReceiptIssuer issuer) {
    this.transformations = transformations;
    this.issuer = issuer;
  }

  sealed interface Decision {}

  /** A receipt, sealed and written once, the trace's new head, and the result that embeds it. */
  record Issued(SealedReceipt receipt, ChainHead newHead, ExchangeResult.Accepted result)
      implements Decision {}

  /** No receipt; the rejection says why. */
  record Refused(ExchangeResult.Rejected result) implements Decision {}

  Decision handle(
      Tenant tenant, String traceId, ExchangeRequest request, ChainHead head, Instant now) {
    if (request.payloadType() == null
        || request.targetType() == null
        || request.payload() == null) {
      return reject(
          traceId,
          ErrorCode.MALFORMED_REQUEST,
          "payload_type, target_type and payload are required");
    }
    if (request.forwardUrl() != null) {
      return reject(
          traceId,
          ErrorCode.HEL_FORWARDING_DISABLED,
          "forward_url is not supported yet by this deployment");
    }
    Outcome outcome =
        transformations.apply(request.payloadType(), request.targetType(), request.payload());
    if (outcome instanceof Outcome.Rejected rejected) {
      return rejected.code() == ErrorCode.UNSUPPORTED_MAPPING
          ? unsupported(traceId, rejected.detail())
          : reject(traceId, rejected.code(), rejected.detail());
    }
    JsonNode normalized = ((Outcome.Normalized) outcome).document();
    Chaining.Slot slot =
        Chaining.next(tenant.tenant(), head, request.expectedPrevReceiptHash(), now);
    if (slot instanceof Chaining.Refused refused) {
      return reject(traceId, refused.code(), refused.detail());
    }
    Chaining.Next next = (Chaining.Next) slot;
    String canon;
    try {
      canon = Canonical.canonicalize(normalized);
    } catch (IllegalArgumentException e) {
      // Lone surrogates and numbers beyond double range have no RFC 8785 form.
      return reject(
          traceId, ErrorCode.SCHEMA_INVALID, "the payload has no RFC 8785 form: " + e.getMessage());
    }
    Policy policy = Policy.allowed("ok");
    SealedReceipt sealed =
        issuer.issue(
            new Receipt(
                traceId,
                next.hop(),
                ReceiptIssuer.timestamp(next.ts()),
                tenant.tenant(),
                ReceiptIssuer.contentId(canon),
                canon,
                Receipt.ALGO,
                next.prevReceiptHash(),
                policy,
                request.payloadType(),
                request.targetType(),
                null,
                null,
                null,
                null,
                null));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("trace_id", traceId);
    body.set("normalized", normalized);
    body.set("policy", Json.tree(policy));
    // The receipt's bytes, not a second tree of it: the body is written once, around them.
    body.putRawValue("receipt", sealed.json().rawValue());
    Receipt receipt = sealed.receipt();
    ChainHead newHead =
        new ChainHead(tenant.tenant(), receipt.hop(), receipt.receiptHash(), receipt.ts());
    return new Issued(
        sealed, newHead, new ExchangeResult.Accepted(traceId, false, RawJson.of(body)));
  }

  /** The problem lists the supported pairs as data, so a client need not parse the detail. */
  private Refused unsupported(String traceId, String detail) {
    ObjectNode problem = Problem.of(ErrorCode.UNSUPPORTED_MAPPING, detail);
    if (traceId != null) {
      problem.put("trace_id", traceId);
    }
    ArrayNode supported = problem.putArray("supported");
    for (TypePair pair : transformations.pairs()) {
      supported
          .addObject()
          .put("payload_type", pair.payloadType())
          .put("target_type", pair.targetType());
    }
    ErrorCode code = ErrorCode.UNSUPPORTED_MAPPING;
    return new Refused(
        new ExchangeResult.Rejected(
            code.status(), traceId, code.name(), false, RawJson.of(problem)));
  }

  static Refused reject(String traceId, ErrorCode code, String detail) {
    return new Refused(ExchangeResult.Rejected.of(traceId, code, detail));
  }
}
