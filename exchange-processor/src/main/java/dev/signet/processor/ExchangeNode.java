package dev.signet.processor;

import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.crypto.RepairMacs;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.FuCharge;
import dev.signet.core.message.RepairOutcome;
import dev.signet.core.message.RepairRequest;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.receipt.SealedReceipt;
import dev.signet.processor.chain.ChainHead;
import dev.signet.processor.idempotency.IdempotencyEntry;
import dev.signet.processor.idempotency.IdempotencyStore;
import dev.signet.processor.repair.FuQuota;
import dev.signet.processor.repair.PendingRepair;
import dev.signet.processor.repair.RepairPolicy;
import dev.signet.processor.transform.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful node of the exchange topology: it moves records and state, the rules live in {@link
 * ExchangeRules} (and {@link IdempotencyStore} for the idempotency entries and their expiry). Reads
 * a {@link Inbound.Ready} request keyed by its trace, owns the state stores {@value
 * ExchangeTopology#CHAIN_HEADS_STORE}, {@value ExchangeTopology#IDEMPOTENCY_STORE} and {@value
 * ExchangeTopology#IDEMPOTENCY_EXPIRY_INDEX_STORE}, and emits {@link Output}s.
 *
 * <p>Per request: <em>prepare</em> (idempotency lookup, rules, and every output serialised and
 * size-checked, with no write yet); <em>commit</em> (receipt, chain head, idempotency entry,
 * result). A failure while preparing is a bug in one record: it goes to the dead-letter topic with
 * an {@code INTERNAL} result and nothing else. A failure while committing fails the task, so the
 * transaction aborts and nothing of the half is ever visible.
 */
final class ExchangeNode implements FixedKeyProcessor<String, Inbound, Output> {

  private static final Logger log = LoggerFactory.getLogger(ExchangeNode.class);

  private final ExchangeRules rules;
  private final ReceiptMac receiptMac;
  private final RepairMacs repairMacs;
  private final RepairPolicy repairPolicy;
  private final Duration idempotencyRetention;
  private final MeterRegistry meters;
  private final ExchangeCounters counters;
  private final RepairCounters repairCounters;

  private FixedKeyProcessorContext<String, Output> context;
  private KeyValueStore<String, ChainHead> chainHeads;
  private IdempotencyStore idempotency;
  private KeyValueStore<String, PendingRepair> pendingRepairs;
  private FuQuota quota;

  ExchangeNode(
      ExchangeRules rules,
      ReceiptMac receiptMac,
      RepairMacs repairMacs,
      RepairPolicy repairPolicy,
      Duration idempotencyRetention,
      MeterRegistry meters,
      ExchangeCounters counters,
      RepairCounters repairCounters) {
    this.rules = rules;
    this.receiptMac = receiptMac;
    this.repairMacs = repairMacs;
    this.repairPolicy = repairPolicy;
    this.idempotencyRetention = idempotencyRetention;
    this.meters = meters;
    this.counters = counters;
    this.repairCounters = repairCounters;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Output> context) {
    this.context = context;
    this.chainHeads = context.getStateStore(ExchangeTopology.CHAIN_HEADS_STORE);
    this.idempotency =
        new IdempotencyStore(
            context.getStateStore(ExchangeTopology.IDEMPOTENCY_STORE),
            context.getStateStore(ExchangeTopology.IDEMPOTENCY_EXPIRY_INDEX_STORE),
            meters);
    this.pendingRepairs = context.getStateStore(ExchangeTopology.PENDING_REPAIRS_STORE);
    this.quota =
        new FuQuota(
            context.getStateStore(ExchangeTopology.FU_PERIOD_TOTALS_STORE),
            context.getStateStore(ExchangeTopology.FU_LEDGER_STORE),
            repairPolicy.quotaSettleWindow().toMillis());
    context.schedule(
        IdempotencyStore.sweepInterval(idempotencyRetention),
        PunctuationType.WALL_CLOCK_TIME,
        now -> idempotency.expire(now, idempotencyRetention, IdempotencyStore.MAX_EXPIRED_PER_RUN));
  }

  @Override
  public void process(FixedKeyRecord<String, Inbound> record) {
    if (record.value() instanceof Inbound.Repaired repaired) {
      continueRepaired(record, repaired.outcome());
      return;
    }
    RequestIntake.Ready ready = ((Inbound.Ready) record.value()).request();
    Prepared prepared;
    try {
      prepared = prepare(ready, record.headers());
    } catch (RuntimeException e) {
      parkAsInternal(record, ready.traceId(), e);
      return;
    }
    commit(record, prepared);
  }

  /** A bug must not stop the partition nor lose the request: park it and tell the caller. */
  private void parkAsInternal(FixedKeyRecord<String, Inbound> record, String traceId, Exception e) {
    log.error("exchange on trace {} failed unexpectedly; sent to the DLQ", traceId, e);
    ExchangeResult.Rejected internal = IntakeNode.internal(traceId);
    counters.deadLettered();
    context.forward(
        RefusalNode.deadLetter(
            record, ErrorCode.INTERNAL.name(), e.toString(), context.recordMetadata()));
    counters.result(internal);
    context.forward(
        RefusalNode.result(record, Json.toBytes(internal), context.currentSystemTimeMs()));
  }

  /**
   * Everything one request will write, already serialised and within the record size limit. With
   * {@code ask}, the exchange waits for the model: no result yet, the entry says it is in progress.
   */
  private record Prepared(
      String traceId,
      byte[] receipt,
      String receiptMac,
      ChainHead newHead,
      String entryKey,
      IdempotencyEntry entry,
      ExchangeResult result,
      byte[] resultBytes,
      Ask ask) {

    Prepared {
      if ((result == null) == (ask == null)) {
        throw new IllegalArgumentException("a request is answered now or waits for the model");
      }
    }
  }

  /** A model call to ask for: the request record, its MAC, and the exchange to park meanwhile. */
  private record Ask(byte[] request, String mac, PendingRepair pending) {}

  private Prepared prepare(RequestIntake.Ready ready, Headers headers) {
    long now = context.currentSystemTimeMs();
    String traceId = ready.traceId();
    if (ready.idempotencyKey() == null) {
      return build(traceId, null, null, ready, headers, now);
    }
    String entryKey = IdempotencyEntry.storeKey(ready.tenant().tenant(), ready.idempotencyKey());
    String requestHash;
    try {
      requestHash = Hashes.sha256(Canonical.canonicalize(ready.body()));
    } catch (IllegalArgumentException e) {
      return resultOnly(
          traceId,
          ExchangeResult.Rejected.of(
              traceId,
              ErrorCode.MALFORMED_REQUEST,
              "the request has no RFC 8785 form: " + e.getMessage()));
    }
    IdempotencyEntry previous = idempotency.get(entryKey);
    if (previous != null) {
      return resultOnly(
          traceId,
          previous.requestHash().equals(requestHash)
              ? previous.result().asReplay()
              : ExchangeResult.Rejected.of(
                  traceId,
                  ErrorCode.IDEMPOTENCY_CONFLICT,
                  "idempotency key was used with a different request"));
    }
    return build(traceId, entryKey, requestHash, ready, headers, now);
  }

  private Prepared build(
      String traceId,
      String entryKey,
      String requestHash,
      RequestIntake.Ready ready,
      Headers headers,
      long now) {
    ExchangeRules.Decision decision =
        rules.handle(
            ready.tenant(),
            traceId,
            ready.request(),
            chainHeads.get(traceId),
            Instant.ofEpochMilli(now));
    if (decision instanceof ExchangeRules.AskModel ask) {
      return askModel(traceId, entryKey, requestHash, ready, headers, ask.question(), now);
    }
    return seal(traceId, entryKey, requestHash, decision, now);
  }

  /**
   * Parks the exchange and asks the worker for the model's repair, if the tenant's FU quota has
   * room for the call's estimate; else {@code FU_QUOTA_EXCEEDED} with the numbers.
   */
  private Prepared askModel(
      String traceId,
      String entryKey,
      String requestHash,
      RequestIntake.Ready ready,
      Headers headers,
      Outcome.NeedsModel question,
      long now) {
    String schema = Json.toText(question.argumentsSchema());
    long estimate = repairPolicy.estimate(question.arguments(), schema, question.failure());
    FuQuota.Check check = quota.check(ready.tenant(), estimate, now);
    if (check instanceof FuQuota.Exceeded exceeded) {
      return seal(
          traceId,
          entryKey,
          requestHash,
          ExchangeRules.quotaExceeded(traceId, exceeded, estimate),
          now);
    }
    // One id per request record: a replay of the same record asks again under the same id, and
    // the worker answers an id once.
    String repairId = repairId(traceId);
    RepairRequest request =
        new RepairRequest(
            repairId,
            traceId,
            ready.tenant().tenant(),
            ready.request().payloadType(),
            question.argumentsSchemaName(),
            question.argumentsSchema(),
            question.arguments(),
            question.failure(),
            estimate,
            ReceiptIssuer.timestamp(Instant.ofEpochMilli(now)));
    byte[] requestBytes = Json.toBytes(request);
    if (requestBytes.length > OutputLimits.MAX_RECORD_BYTES) {
      return seal(
          traceId,
          entryKey,
          requestHash,
          ExchangeRules.reject(
              traceId,
              ErrorCode.PAYLOAD_TOO_LARGE,
              "the arguments are too large to ask the model to repair"),
          now);
    }
    PendingRepair pending =
        new PendingRepair(
            repairId,
            ready.tenant().tenant(),
            traceId,
            ready.request(),
            entryKey,
            requestHash,
            SignetHeaders.text(headers, SignetHeaders.CORRELATION_ID),
            SignetHeaders.text(headers, SignetHeaders.ACCEPTED_AT),
            question.arguments(),
            estimate,
            ((FuQuota.Granted) check).period(),
            now);
    // A retry with the same key while the model works is told so, not asked twice.
    IdempotencyEntry inProgress =
        entryKey == null
            ? null
            : new IdempotencyEntry(
                requestHash,
                now,
                ExchangeResult.Rejected.of(
                    traceId,
                    ErrorCode.IDEMPOTENCY_IN_PROGRESS,
                    "the request with this idempotency key is still being repaired; retry later"));
    return new Prepared(
        traceId,
        null,
        null,
        null,
        entryKey,
        inProgress,
        null,
        null,
        new Ask(requestBytes, repairMacs.request().sign(requestBytes), pending));
  }

  private String repairId(String traceId) {
    RecordMetadata source = context.recordMetadata().orElseThrow();
    return Hashes.sha256(
            traceId + "@" + source.topic() + "/" + source.partition() + "/" + source.offset())
        .substring(Hashes.PREFIX.length());
  }

  /** The receipt (if issued) and result of a decision, serialised and size-checked. */
  private Prepared seal(
      String traceId,
      String entryKey,
      String requestHash,
      ExchangeRules.Decision decision,
      long now) {
    byte[] receipt = null;
    String mac = null;
    ChainHead newHead = null;
    ExchangeResult result;
    if (decision instanceof ExchangeRules.Issued issued) {
      SealedReceipt sealed = issued.receipt();
      // The receipt's one serialisation: these bytes are what the MAC covers, what the receipts
      // topic gets and what the result embeds.
      receipt = sealed.json().bytes();
      mac = receiptMac.sign(receipt);
      newHead = issued.newHead();
      result = issued.result();
    } else {
      result = ((ExchangeRules.Refused) decision).result();
    }
    byte[] resultBytes = Json.toBytes(result);
    IdempotencyEntry entry =
        entryKey == null ? null : new IdempotencyEntry(requestHash, now, result);
    // The entry is the result plus its hash and time: its size follows without serialising it
    // twice.
    int largest =
        Math.max(
            resultBytes.length + (entry == null ? 0 : OutputLimits.ENTRY_OVERHEAD_BYTES),
            receipt == null ? 0 : receipt.length);
    if (largest > OutputLimits.MAX_RECORD_BYTES) {
      // Refused before anything is written: a record the broker would refuse must not leave a
      // chain head pointing at a receipt that never existed.
      result =
          ExchangeResult.Rejected.of(
              traceId,
              ErrorCode.PAYLOAD_TOO_LARGE,
              "the signed result would be "
                  + largest
                  + " bytes, over the "
                  + OutputLimits.MAX_RECORD_BYTES
                  + " a record may hold; send a smaller payload");
      return new Prepared(
          traceId,
          null,
          null,
          null,
          entryKey,
          entryKey == null ? null : new IdempotencyEntry(requestHash, now, result),
          result,
          Json.toBytes(result),
          null);
    }
    return new Prepared(traceId, receipt, mac, newHead, entryKey, entry, result, resultBytes, null);
  }

  private static Prepared resultOnly(String traceId, ExchangeResult result) {
    return new Prepared(traceId, null, null, null, null, null, result, Json.toBytes(result), null);
  }

  /**
   * No catch here: a failure fails the task and aborts the transaction, so no half is committed.
   */
  private void commit(FixedKeyRecord<String, Inbound> request, Prepared prepared) {
    long now = context.currentSystemTimeMs();
    writeReceipt(request, prepared, now);
    if (prepared.entry() != null) {
      // prepare() read this key and found it absent, and nothing wrote it since.
      idempotency.putNew(prepared.entryKey(), prepared.entry());
    }
    if (prepared.ask() != null) {
      PendingRepair pending = prepared.ask().pending();
      quota.reserve(pending.tenant(), pending.quotaPeriod(), pending.reservedTokens());
      pendingRepairs.put(pending.repairId(), pending);
      repairCounters.asked();
      context.forward(
          request
              .withValue((Output) new Output.RepairAsk(prepared.ask().request()))
              .withHeaders(OutputHeaders.recordMac(prepared.ask().mac()))
              .withTimestamp(now));
      return;
    }
    counters.result(prepared.result());
    context.forward(RefusalNode.result(request, prepared.resultBytes(), now));
  }

  private void writeReceipt(FixedKeyRecord<String, Inbound> record, Prepared prepared, long now) {
    if (prepared.receipt() != null) {
      context.forward(
          record
              .withValue((Output) new Output.Receipt(prepared.receipt()))
              .withHeaders(OutputHeaders.receipt(prepared.receiptMac()))
              .withTimestamp(now));
      chainHeads.put(prepared.traceId(), prepared.newHead());
    }
  }

  /**
   * Goes on with a parked exchange from the worker's recorded outcome: its receipt or rejection,
   * its final idempotency entry, its FU settled against the quota (and charged beside a rejection),
   * and the answer to the caller waiting for it. An outcome with no parked exchange (already
   * answered, or never asked here) changes nothing.
   */
  private void continueRepaired(FixedKeyRecord<String, Inbound> record, RepairOutcome outcome) {
    PendingRepair pending = pendingRepairs.get(outcome.repairId());
    if (pending == null
        || !pending.traceId().equals(outcome.traceId())
        || !pending.tenant().equals(outcome.tenant())) {
      repairCounters.unmatchedOutcome();
      log.warn(
          "repair outcome {} on trace {} matches no parked exchange; ignored",
          outcome.repairId(),
          outcome.traceId());
      return;
    }
    long now = context.currentSystemTimeMs();
    Prepared prepared;
    try {
      ExchangeRules.Decision decision =
          rules.continueRepaired(
              pending.tenant(),
              pending.traceId(),
              pending.request(),
              pending.arguments(),
              outcome,
              chainHeads.get(pending.traceId()),
              Instant.ofEpochMilli(now));
      prepared = seal(pending.traceId(), pending.entryKey(), pending.requestHash(), decision, now);
    } catch (RuntimeException e) {
      // As for a request: park the outcome, answer INTERNAL; the tokens are still charged below.
      log.error("repair outcome {} failed unexpectedly", outcome.repairId(), e);
      prepared = resultOnly(pending.traceId(), IntakeNode.internal(pending.traceId()));
    }
    writeReceipt(record, prepared, now);
    boolean billedByReceipt = prepared.receipt() != null;
    if (!billedByReceipt && outcome.fuTokens() > 0) {
      FuCharge charge =
          new FuCharge(
              outcome.repairId(),
              pending.traceId(),
              pending.tenant(),
              outcome.fuTokens(),
              ReceiptIssuer.timestamp(Instant.ofEpochMilli(now)),
              prepared.result().code());
      byte[] chargeBytes = Json.toBytes(charge);
      context.forward(
          record
              .withValue((Output) new Output.FuCharge(chargeBytes))
              .withHeaders(OutputHeaders.recordMac(repairMacs.fuCharge().sign(chargeBytes)))
              .withTimestamp(now));
    }
    if (pending.entryKey() != null) {
      idempotency.put(
          pending.entryKey(), new IdempotencyEntry(pending.requestHash(), now, prepared.result()));
    }
    quota.settle(
        pending.tenant(), pending.quotaPeriod(), pending.reservedTokens(), outcome.fuTokens(), now);
    pendingRepairs.delete(pending.repairId());
    repairCounters.answered(outcome, billedByReceipt, now - pending.askedAtMs());
    counters.result(prepared.result());
    context.forward(
        record
            .withValue((Output) new Output.Result(prepared.resultBytes()))
            .withHeaders(OutputHeaders.reply(pending.correlationId(), pending.acceptedAt()))
            .withTimestamp(now));
  }
}
