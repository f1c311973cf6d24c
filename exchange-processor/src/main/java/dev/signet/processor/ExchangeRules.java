package dev.signet.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.error.Problem;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.json.RawJson;
import dev.signet.core.message.AcceptedBody;
import dev.signet.core.message.ExchangeRequest;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.ForwardOutcome;
import dev.signet.core.message.RepairOutcome;
import dev.signet.core.receipt.Forwarded;
import dev.signet.core.receipt.Policy;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.receipt.ReceiptTimestamps;
import dev.signet.core.receipt.Repair;
import dev.signet.core.receipt.SealedReceipt;
import dev.signet.core.tenant.Tenant;
import dev.signet.core.types.TypePair;
import dev.signet.processor.chain.ChainHead;
import dev.signet.processor.chain.Chaining;
import dev.signet.processor.egress.Denied;
import dev.signet.processor.egress.EgressPolicy;
import dev.signet.processor.egress.EgressSettings;
import dev.signet.processor.egress.EgressTarget;
import dev.signet.processor.egress.Precheck;
import dev.signet.processor.repair.FuQuota;
import dev.signet.processor.transform.Outcome;
import dev.signet.processor.transform.RepairStep;
import dev.signet.processor.transform.Transformations;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;

/**
 * The rules of one admitted exchange, from an authenticated request and its trace's chain head to a
 * sealed receipt or a rejection. Pure: no Kafka, no stores, no clock, so the whole rule set is
 * unit-testable and runs on the stream thread without I/O.
 */
final class ExchangeRules {

  private final Transformations transformations;
  private final ReceiptIssuer issuer;
  private final boolean modelAvailable;
  private final EgressSettings egress;
  private final ExchangePhases phases;

  /**
   * {@code modelAvailable}: a model is configured, so tenants with {@code fallback_enabled} may
   * have their arguments repaired by it. {@code egress}: the forwarding policy's settings.
   */
  ExchangeRules(
      Transformations transformations,
      ReceiptIssuer issuer,
      boolean modelAvailable,
      EgressSettings egress,
      ExchangePhases phases) {
    this.transformations = transformations;
    this.issuer = issuer;
    this.modelAvailable = modelAvailable;
    this.egress = egress;
    this.phases = phases;
  }

  /**
   * Without a model, the default forwarding policy (nothing allow-listed but the tenant's own),
   * phases timed on a registry nobody reads (tests, tools).
   */
  ExchangeRules(Transformations transformations, ReceiptIssuer issuer) {
    this(
        transformations,
        issuer,
        false,
        EgressSettings.defaults(),
        new ExchangePhases(new SimpleMeterRegistry()));
  }

  sealed interface Decision {}

  /** A receipt, sealed and written once, the trace's new head, and the result that embeds it. */
  record Issued(SealedReceipt receipt, ChainHead newHead, ExchangeResult.Accepted result)
      implements Decision {}

  /** No receipt; the rejection says why. */
  record Refused(ExchangeResult.Rejected result) implements Decision {}

  /**
   * Only the model can read the arguments, and the tenant may use it: the exchange waits for the
   * repair worker's outcome (quota permitting), then goes on in {@link #continueRepaired}.
   */
  record AskModel(Outcome.NeedsModel question) implements Decision {}

  /**
   * The document is ready and its forward passed every check that needs no DNS: the exchange waits
   * for the forward worker's outcome, then goes on in {@link #continueForwarded}.
   *
   * @param canon the RFC 8785 text of the document: the body to send
   * @param fuTokens the tokens of a model repair before it, or null
   */
  record AskForward(Outcome.Normalized normalized, String canon, EgressTarget target, Long fuTokens)
      implements Decision {}

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
    Outcome transformed =
        phases.time(
            ExchangePhases.Phase.TRANSFORM,
            () ->
                transformations.apply(
                    request.payloadType(), request.targetType(), request.payload()));
    Outcome outcome = transformed;
    if (transformed instanceof Outcome.NeedsModel question) {
      if (!tenant.fallbackEnabled()) {
        outcome = question.refused("not enabled for this tenant (fallback_enabled)");
      } else if (!modelAvailable) {
        outcome = question.refused("no model is configured for this deployment");
      } else {
        return new AskModel(question);
      }
    }
    Outcome decided = outcome;
    return phases.time(
        ExchangePhases.Phase.ISSUE,
        () ->
            decide(
                tenant.tenant(),
                tenant.allowlist(),
                traceId,
                request,
                head,
                now,
                decided,
                null,
                null));
  }

  /**
   * Goes on with an exchange that waited for the model: the worker's recorded {@code outcome} for
   * the {@code original} arguments text. Whatever is decided, a reply's tokens are the caller's to
   * bill: in the receipt when one is issued, else in a charge beside the rejection.
   */
  Decision continueRepaired(
      String tenant,
      List<String> allowlist,
      String traceId,
      ExchangeRequest request,
      String original,
      RepairOutcome outcome,
      ChainHead head,
      Instant now) {
    if (outcome.status() == RepairOutcome.Status.FAILED) {
      return reject(
          traceId,
          ErrorCode.REPAIR_FAILED,
          RepairStep.LLM_FALLBACK.label()
              + ": the model gave no answer ("
              + outcome.errorCode()
              + "): "
              + outcome.error());
    }
    Outcome repaired =
        phases.time(
            ExchangePhases.Phase.TRANSFORM,
            () ->
                transformations.applyRepaired(
                    request.payloadType(),
                    request.targetType(),
                    request.payload(),
                    original,
                    outcome.content()));
    return phases.time(
        ExchangePhases.Phase.ISSUE,
        () ->
            decide(
                tenant,
                allowlist,
                traceId,
                request,
                head,
                now,
                repaired,
                outcome.fuTokens(),
                null));
  }

  /**
   * Goes on with an exchange that waited for its forward: the worker's recorded {@code outcome}. A
   * denial after resolution is 403 with its code and issues nothing; a forward made, answered or
   * not, issues the receipt with what happened in {@code forwarded}.
   */
  Decision continueForwarded(
      String tenant,
      String traceId,
      ExchangeRequest request,
      Outcome.Normalized normalized,
      Long fuTokens,
      ForwardOutcome outcome,
      ChainHead head,
      Instant now) {
    if (outcome.status() == ForwardOutcome.Status.DENIED) {
      return reject(traceId, helCode(outcome.code()), outcome.detail(), null, fuTokens);
    }
    Forwarded forwarded =
        new Forwarded(
            outcome.url(),
            outcome.host(),
            outcome.pinnedIp(),
            outcome.statusCode(),
            outcome.responseSize(),
            outcome.responseCid(),
            outcome.error());
    return phases.time(
        ExchangePhases.Phase.ISSUE,
        () ->
            decide(
                tenant, List.of(), traceId, request, head, now, normalized, fuTokens, forwarded));
  }

  /** A denial code the worker recorded; an unknown one (a newer worker) is still a denial. */
  private static ErrorCode helCode(String code) {
    try {
      return ErrorCode.valueOf(code);
    } catch (IllegalArgumentException | NullPointerException e) {
      return ErrorCode.HEL_HOST_NOT_ALLOWED;
    }
  }

  /**
   * {@code fuTokens}: the model's tokens when it was asked, else null; {@code forwarded}: what the
   * forward came to, null before it (or without one).
   */
  private Decision decide(
      String tenant,
      List<String> allowlist,
      String traceId,
      ExchangeRequest request,
      ChainHead head,
      Instant now,
      Outcome outcome,
      Long fuTokens,
      Forwarded forwarded) {
    if (outcome instanceof Outcome.Rejected rejected) {
      return rejected.code() == ErrorCode.UNSUPPORTED_MAPPING
          ? unsupported(traceId, rejected.detail())
          : reject(traceId, rejected.code(), rejected.detail(), rejected.violations(), fuTokens);
    }
    if (!(outcome instanceof Outcome.Normalized normalizedOutcome)) {
      throw new IllegalStateException("a repaired exchange cannot ask the model again");
    }
    JsonNode normalized = normalizedOutcome.document();
    String canon;
    try {
      canon = Canonical.canonicalize(normalized);
    } catch (IllegalArgumentException e) {
      // Lone surrogates and numbers beyond double range have no RFC 8785 form.
      return reject(
          traceId,
          ErrorCode.SCHEMA_INVALID,
          "the payload has no RFC 8785 form: " + e.getMessage(),
          null,
          fuTokens);
    }
    // Checked before a forward too: a document whose hop cannot be chained is not sent.
    Chaining.Slot slot = Chaining.next(tenant, head, request.expectedPrevReceiptHash(), now);
    if (slot instanceof Chaining.Refused refused) {
      return reject(traceId, refused.code(), refused.detail(), null, fuTokens);
    }
    if (request.forwardUrl() != null && forwarded == null) {
      Precheck check = EgressPolicy.precheck(request.forwardUrl(), allowlist, egress);
      if (check instanceof Denied denied) {
        return reject(traceId, denied.code(), denied.detail(), null, fuTokens);
      }
      return new AskForward(
          normalizedOutcome, canon, ((Precheck.Checked) check).target(), fuTokens);
    }
    Chaining.Next next = (Chaining.Next) slot;
    Policy policy = Policy.allowed("ok");
    RepairStep step = normalizedOutcome.repair();
    SealedReceipt sealed =
        issuer.issue(
            new Receipt(
                traceId,
                next.hop(),
                ReceiptTimestamps.format(next.ts()),
                tenant,
                ReceiptIssuer.contentId(canon),
                canon,
                Receipt.ALGO,
                next.prevReceiptHash(),
                policy,
                request.payloadType(),
                request.targetType(),
                forwarded,
                fuTokens == null ? null : Boolean.TRUE,
                fuTokens,
                step == RepairStep.NONE
                    ? null
                    : new Repair(
                        step.label(),
                        normalizedOutcome.originalHash(),
                        normalizedOutcome.repairedHash()),
                null,
                null));
    RawJson body =
        AcceptedBody.of(
            traceId,
            canon,
            Json.tree(policy),
            forwarded == null ? null : Json.tree(forwarded),
            sealed.json());
    Receipt receipt = sealed.receipt();
    ChainHead newHead = new ChainHead(tenant, receipt.hop(), receipt.receiptHash(), receipt.ts());
    return new Issued(sealed, newHead, new ExchangeResult.Accepted(traceId, false, body));
  }

  /**
   * A rejection whose problem also lists the semantic {@code violations} and the {@code fu_tokens}
   * the model spent on it, when there are any.
   */
  private static Refused reject(
      String traceId, ErrorCode code, String detail, JsonNode violations, Long fuTokens) {
    if (violations == null && fuTokens == null) {
      return reject(traceId, code, detail);
    }
    ObjectNode problem = Problem.of(code, detail);
    if (violations != null) {
      problem.set("violations", violations);
    }
    if (fuTokens != null) {
      problem.put("fu_tokens", fuTokens);
    }
    return new Refused(ExchangeResult.Rejected.withProblem(traceId, code, problem));
  }

  /** The problem lists the supported pairs as data, so a client need not parse the detail. */
  private Refused unsupported(String traceId, String detail) {
    ObjectNode problem = Problem.of(ErrorCode.UNSUPPORTED_MAPPING, detail);
    ArrayNode supported = problem.putArray("supported");
    for (TypePair pair : transformations.pairs()) {
      supported
          .addObject()
          .put("payload_type", pair.payloadType())
          .put("target_type", pair.targetType());
    }
    return new Refused(
        ExchangeResult.Rejected.withProblem(traceId, ErrorCode.UNSUPPORTED_MAPPING, problem));
  }

  /** {@code FU_QUOTA_EXCEEDED}: the month's FU so far, the limit, when it resets, the estimate. */
  static Refused quotaExceeded(String traceId, FuQuota.Exceeded exceeded, long estimate) {
    ObjectNode problem =
        Problem.of(
            ErrorCode.FU_QUOTA_EXCEEDED,
            "a model repair needs up to "
                + estimate
                + " FU and the tenant has used "
                + exceeded.used()
                + " of its "
                + exceeded.limit()
                + " this month");
    problem.put("used", exceeded.used());
    problem.put("limit", exceeded.limit());
    problem.put("resets_at", exceeded.resetsAt().toString());
    return new Refused(
        ExchangeResult.Rejected.withProblem(traceId, ErrorCode.FU_QUOTA_EXCEEDED, problem));
  }

  static Refused reject(String traceId, ErrorCode code, String detail) {
    return new Refused(ExchangeResult.Rejected.of(traceId, code, detail));
  }
}
