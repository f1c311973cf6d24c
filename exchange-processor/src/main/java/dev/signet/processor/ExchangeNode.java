package dev.signet.processor;

import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.ForwardOutcome;
import dev.signet.core.message.ForwardRequest;
import dev.signet.core.message.FuCharge;
import dev.signet.core.message.RepairOutcome;
import dev.signet.core.message.RepairRequest;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.receipt.ReceiptTimestamps;
import dev.signet.core.receipt.SealedReceipt;
import dev.signet.processor.chain.ChainHead;
import dev.signet.processor.egress.EgressTarget;
import dev.signet.processor.idempotency.IdempotencyEntry;
import dev.signet.processor.idempotency.IdempotencyStore;
import dev.signet.processor.repair.FuQuota;
import dev.signet.processor.repair.RepairPolicy;
import dev.signet.processor.transform.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
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

  /** How long after its retention an idempotency entry is kept before the sweep deletes it. */
  static final Duration SWEEP_GRACE = Duration.ofHours(1);

  private final ExchangeRules rules;
  private final ReceiptMac receiptMac;
  private final RepairPolicy repairPolicy;
  private final Duration idempotencyRetention;
  private final MeterRegistry meters;
  private final ExchangeCounters counters;
  private final StageCounters stageCounters;

  private FixedKeyProcessorContext<String, Output> context;
  private KeyValueStore<String, ChainHead> chainHeads;
  private IdempotencyStore idempotency;
  private KeyValueStore<String, PendingExchange> pending;
  private FuQuota quota;

  ExchangeNode(
      ExchangeRules rules,
      ReceiptMac receiptMac,
      RepairPolicy repairPolicy,
      Duration idempotencyRetention,
      MeterRegistry meters,
      ExchangeCounters counters,
      StageCounters stageCounters) {
    this.rules = rules;
    this.receiptMac = receiptMac;
    this.repairPolicy = repairPolicy;
    this.idempotencyRetention = idempotencyRetention;
    this.meters = meters;
    this.counters = counters;
    this.stageCounters = stageCounters;
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
    this.pending = context.getStateStore(ExchangeTopology.PENDING_REPAIRS_STORE);
    this.quota =
        new FuQuota(
            context.getStateStore(ExchangeTopology.FU_PERIOD_TOTALS_STORE),
            context.getStateStore(ExchangeTopology.FU_LEDGER_STORE),
            repairPolicy.quotaSettleWindow().toMillis());
    context.schedule(
        IdempotencyStore.sweepInterval(idempotencyRetention),
        PunctuationType.WALL_CLOCK_TIME,
        // The sweep runs on the wall clock, lookups judge age by record time (see
        // IdempotencyStore#live); the grace keeps the sweep from deleting an entry that a record
        // appended up to an hour ago, replayed after an abort, would still find live.
        now ->
            idempotency.expire(
                now - SWEEP_GRACE.toMillis(),
                idempotencyRetention,
                IdempotencyStore.MAX_EXPIRED_PER_RUN));
  }

  @Override
  public void process(FixedKeyRecord<String, Inbound> record) {
    if (record.value() instanceof Inbound.Repaired repaired) {
      continueRepaired(record, repaired.outcome());
      return;
    }
    if (record.value() instanceof Inbound.Forwarded forwarded) {
      continueForwarded(record, forwarded.outcome());
      return;
    }
    RequestIntake.Ready ready = ((Inbound.Ready) record.value()).request();
    Prepared prepared;
    try {
      prepared = prepare(ready, record.headers(), record.timestamp());
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
        RefusalNode.result(record, internal, Json.toBytes(internal), record.timestamp()));
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

  /**
   * A slow stage to ask: its request record ({@link Output.RepairAsk} or {@link Output.ForwardAsk};
   * its sink stamps the MAC) and the exchange to park meanwhile.
   */
  private record Ask(Output request, PendingExchange pending) {}

  /**
   * {@code now} is the request record's time (stamped by the broker, see {@link
   * dev.signet.core.topic.Topics#EXCHANGE_REQUESTS}), never the wall clock: everything a request
   * writes is a function of committed records, so a replay after an abort writes the same bytes.
   */
  private Prepared prepare(RequestIntake.Ready ready, Headers headers, long now) {
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
    IdempotencyEntry previous = idempotency.live(entryKey, now, idempotencyRetention);
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
    if (decision instanceof ExchangeRules.AskForward ask) {
      return askForward(exchange(traceId, entryKey, requestHash, ready, headers), ask, now);
    }
    return seal(traceId, entryKey, requestHash, decision, now);
  }

  /** The exchange as a parked one keeps it, from its request and the request's headers. */
  private static PendingExchange.Exchange exchange(
      String traceId,
      String entryKey,
      String requestHash,
      RequestIntake.Ready ready,
      Headers headers) {
    return new PendingExchange.Exchange(
        ready.tenant().tenant(),
        ready.tenant().allowlist(),
        traceId,
        ready.request(),
        entryKey,
        requestHash,
        SignetHeaders.text(headers, SignetHeaders.CORRELATION_ID),
        SignetHeaders.text(headers, SignetHeaders.ACCEPTED_AT));
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
    String repairId = stageRequestId(traceId);
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
            ReceiptTimestamps.format(Instant.ofEpochMilli(now)));
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
    PendingExchange parked =
        PendingExchange.model(
            repairId,
            exchange(traceId, entryKey, requestHash, ready, headers),
            question.arguments(),
            estimate,
            ((FuQuota.Granted) check).period(),
            now);
    return parked(parked, new Output.RepairAsk(requestBytes), now);
  }

  /**
   * Parks the exchange and asks the forward worker to deliver its document: the checks needing no
   * DNS passed, the worker resolves, checks the addresses and dials the one it checked.
   */
  private Prepared askForward(
      PendingExchange.Exchange exchange, ExchangeRules.AskForward ask, long now) {
    String forwardId = stageRequestId(exchange.traceId());
    EgressTarget target = ask.target();
    ForwardRequest request =
        new ForwardRequest(
            forwardId,
            forwardId,
            exchange.traceId(),
            exchange.tenant(),
            target.url(),
            target.scheme(),
            target.host(),
            target.ipLiteral(),
            target.port(),
            target.pathAndQuery(),
            target.developmentLoopback(),
            ReceiptIssuer.contentId(ask.canon()),
            ask.canon(),
            ReceiptTimestamps.format(Instant.ofEpochMilli(now)));
    byte[] requestBytes = Json.toBytes(request);
    if (requestBytes.length > OutputLimits.MAX_RECORD_BYTES) {
      return seal(
          exchange.traceId(),
          exchange.entryKey(),
          exchange.requestHash(),
          ExchangeRules.reject(
              exchange.traceId(),
              ErrorCode.PAYLOAD_TOO_LARGE,
              "the document is too large to forward"),
          now);
    }
    return parked(
        PendingExchange.forward(forwardId, exchange, ask.normalized(), ask.fuTokens(), now),
        new Output.ForwardAsk(requestBytes),
        now);
  }

  /**
   * A parked exchange: no result yet; its idempotency entry says it is in progress, so a retry with
   * the same key is told so and no stage is asked twice.
   */
  private static Prepared parked(PendingExchange parked, Output request, long now) {
    PendingExchange.Exchange exchange = parked.exchange();
    IdempotencyEntry inProgress =
        exchange.entryKey() == null
            ? null
            : new IdempotencyEntry(
                exchange.requestHash(),
                now,
                ExchangeResult.Rejected.of(
                    exchange.traceId(),
                    ErrorCode.IDEMPOTENCY_IN_PROGRESS,
                    "the request with this idempotency key is still in progress; retry later"));
    return new Prepared(
        exchange.traceId(),
        null,
        null,
        null,
        exchange.entryKey(),
        inProgress,
        null,
        null,
        new Ask(request, parked));
  }

  /**
   * One id per record read: a replay of the same record asks again under the same id, and the
   * worker answers an id once.
   */
  private String stageRequestId(String traceId) {
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
        entryKey == null ? null : IdempotencyEntry.of(requestHash, now, result, receipt);
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
    long now = request.timestamp();
    writeReceipt(request, prepared, now);
    if (prepared.entry() != null) {
      // prepare() read this key and found it absent, and nothing wrote it since.
      idempotency.putNew(prepared.entryKey(), prepared.entry());
    }
    if (prepared.ask() != null) {
      park(request, prepared.ask(), now);
      return;
    }
    counters.result(prepared.result());
    context.forward(RefusalNode.result(request, prepared.result(), prepared.resultBytes(), now));
  }

  /** Parks the exchange, reserving a model call's estimate, and writes the stage's request. */
  private void park(FixedKeyRecord<String, Inbound> record, Ask ask, long now) {
    PendingExchange parked = ask.pending();
    if (parked.waiting() == PendingExchange.Waiting.MODEL) {
      quota.reserve(parked.exchange().tenant(), parked.quotaPeriod(), parked.reservedTokens());
      stageCounters.asked();
    }
    pending.put(parked.id(), parked);
    context.forward(
        record
            .withValue(ask.request())
            .withHeaders(OutputHeaders.stampedBySink())
            .withTimestamp(now));
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
   * Goes on with an exchange parked for the model, from the worker's recorded outcome: its tokens
   * settle the quota's reservation, then the exchange is issued, refused, or parked again for its
   * forward. An outcome no exchange waits for (answered already, or never asked here) changes
   * nothing.
   */
  private void continueRepaired(FixedKeyRecord<String, Inbound> record, RepairOutcome outcome) {
    PendingExchange parked =
        waitingFor(
            outcome.repairId(), PendingExchange.Waiting.MODEL, outcome.traceId(), outcome.tenant());
    if (parked == null) {
      return;
    }
    // The outcome's record time on the requests topic, where it was sequenced (see prepare()).
    long now = record.timestamp();
    PendingExchange.Exchange exchange = parked.exchange();
    quota.settle(
        exchange.tenant(), parked.quotaPeriod(), parked.reservedTokens(), outcome.fuTokens(), now);
    pending.delete(parked.id());
    ExchangeRules.Decision decision;
    try {
      decision =
          rules.continueRepaired(
              exchange.tenant(),
              exchange.allowlist(),
              exchange.traceId(),
              exchange.request(),
              parked.arguments(),
              outcome,
              chainHeads.get(exchange.traceId()),
              Instant.ofEpochMilli(now));
    } catch (RuntimeException e) {
      // As for a request: answered INTERNAL; the tokens are still charged.
      log.error("repair outcome {} failed unexpectedly", outcome.repairId(), e);
      decision = new ExchangeRules.Refused(IntakeNode.internal(exchange.traceId()));
    }
    boolean issued = decision instanceof ExchangeRules.Issued;
    stageCounters.answered(
        outcome, issued || decision instanceof ExchangeRules.AskForward, now - parked.askedAtMs());
    if (decision instanceof ExchangeRules.AskForward ask) {
      Prepared forward = askForward(exchange, ask, now);
      if (forward.ask() != null) {
        park(record, forward.ask(), now);
        return;
      }
      decision = new ExchangeRules.Refused((ExchangeResult.Rejected) forward.result());
    }
    finish(record, exchange, decision, outcome.repairId(), outcome.fuTokens(), now);
  }

  /**
   * Goes on with an exchange parked for its forward, from the worker's recorded outcome: a denial
   * after resolution is refused (403, nothing issued), a forward made is issued with what became of
   * it.
   */
  private void continueForwarded(FixedKeyRecord<String, Inbound> record, ForwardOutcome outcome) {
    PendingExchange parked =
        waitingFor(
            outcome.forwardId(),
            PendingExchange.Waiting.FORWARD,
            outcome.traceId(),
            outcome.tenant());
    if (parked == null) {
      return;
    }
    // The outcome's record time on the requests topic, where it was sequenced (see prepare()).
    long now = record.timestamp();
    PendingExchange.Exchange exchange = parked.exchange();
    pending.delete(parked.id());
    ExchangeRules.Decision decision;
    try {
      decision =
          rules.continueForwarded(
              exchange.tenant(),
              exchange.traceId(),
              exchange.request(),
              parked.normalized(),
              parked.fuTokens(),
              outcome,
              chainHeads.get(exchange.traceId()),
              Instant.ofEpochMilli(now));
    } catch (RuntimeException e) {
      log.error("forward outcome {} failed unexpectedly", outcome.forwardId(), e);
      decision = new ExchangeRules.Refused(IntakeNode.internal(exchange.traceId()));
    }
    stageCounters.forwarded(now - parked.askedAtMs());
    long tokens = parked.fuTokens() == null ? 0 : parked.fuTokens();
    finish(record, exchange, decision, outcome.forwardId(), tokens, now);
  }

  /** The parked exchange {@code id} names, if it waits for that stage on that trace and tenant. */
  private PendingExchange waitingFor(
      String id, PendingExchange.Waiting stage, String traceId, String tenant) {
    PendingExchange parked = pending.get(id);
    if (parked == null
        || parked.waiting() != stage
        || !parked.exchange().traceId().equals(traceId)
        || !parked.exchange().tenant().equals(tenant)) {
      stageCounters.unmatchedOutcome(stage.name().toLowerCase(Locale.ROOT));
      log.warn("{} outcome {} on trace {} matches no parked exchange; ignored", stage, id, traceId);
      return null;
    }
    return parked;
  }

  /**
   * Answers a parked exchange: its receipt or rejection, its final idempotency entry, and the
   * tokens a model spent on it charged beside a rejection ({@code chargeId} makes that charge count
   * once).
   */
  private void finish(
      FixedKeyRecord<String, Inbound> record,
      PendingExchange.Exchange exchange,
      ExchangeRules.Decision decision,
      String chargeId,
      long fuTokens,
      long now) {
    Prepared prepared;
    try {
      prepared =
          seal(exchange.traceId(), exchange.entryKey(), exchange.requestHash(), decision, now);
    } catch (RuntimeException e) {
      log.error("exchange on trace {} failed unexpectedly", exchange.traceId(), e);
      prepared = resultOnly(exchange.traceId(), IntakeNode.internal(exchange.traceId()));
    }
    writeReceipt(record, prepared, now);
    if (prepared.receipt() == null && fuTokens > 0) {
      FuCharge charge =
          new FuCharge(
              chargeId,
              exchange.traceId(),
              exchange.tenant(),
              fuTokens,
              ReceiptTimestamps.format(Instant.ofEpochMilli(now)),
              prepared.result().code());
      byte[] chargeBytes = Json.toBytes(charge);
      context.forward(
          record
              .withValue((Output) new Output.FuCharge(chargeBytes))
              .withHeaders(OutputHeaders.stampedBySink())
              .withTimestamp(now));
    }
    if (exchange.entryKey() != null) {
      idempotency.put(
          exchange.entryKey(),
          IdempotencyEntry.of(exchange.requestHash(), now, prepared.result(), prepared.receipt()));
    }
    counters.result(prepared.result());
    context.forward(
        record
            .withValue(
                (Output)
                    new Output.Result(
                        prepared.resultBytes(),
                        Output.Destination.of(exchange.correlationId(), prepared.result())))
            .withHeaders(OutputHeaders.reply(exchange.correlationId(), exchange.acceptedAt()))
            .withTimestamp(now));
  }
}
