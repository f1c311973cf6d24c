package dev.signet.processor;

import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.receipt.SealedReceipt;
import dev.signet.processor.chain.ChainHead;
import dev.signet.processor.idempotency.IdempotencyEntry;
import dev.signet.processor.idempotency.IdempotencyStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
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
  private final Duration idempotencyRetention;
  private final MeterRegistry meters;
  private final ExchangeCounters counters;

  private FixedKeyProcessorContext<String, Output> context;
  private KeyValueStore<String, ChainHead> chainHeads;
  private IdempotencyStore idempotency;

  ExchangeNode(
      ExchangeRules rules,
      ReceiptMac receiptMac,
      Duration idempotencyRetention,
      MeterRegistry meters,
      ExchangeCounters counters) {
    this.rules = rules;
    this.receiptMac = receiptMac;
    this.idempotencyRetention = idempotencyRetention;
    this.meters = meters;
    this.counters = counters;
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
    context.schedule(
        IdempotencyStore.sweepInterval(idempotencyRetention),
        PunctuationType.WALL_CLOCK_TIME,
        now -> idempotency.expire(now, idempotencyRetention, IdempotencyStore.MAX_EXPIRED_PER_RUN));
  }

  @Override
  public void process(FixedKeyRecord<String, Inbound> record) {
    RequestIntake.Ready ready = ((Inbound.Ready) record.value()).request();
    Prepared prepared;
    try {
      prepared = prepare(ready);
    } catch (RuntimeException e) {
      // A bug must not stop the partition nor lose the request: park it and tell the caller.
      log.error("exchange on trace {} failed unexpectedly; sent to the DLQ", ready.traceId(), e);
      ExchangeResult.Rejected internal = IntakeNode.internal(ready.traceId());
      counters.deadLettered();
      context.forward(
          RefusalNode.deadLetter(
              record, ErrorCode.INTERNAL.name(), e.toString(), context.recordMetadata()));
      counters.result(internal);
      context.forward(
          RefusalNode.result(record, Json.toBytes(internal), context.currentSystemTimeMs()));
      return;
    }
    commit(record, prepared);
  }

  /** Everything one request will write, already serialised and within the record size limit. */
  private record Prepared(
      String traceId,
      byte[] receipt,
      String receiptMac,
      ChainHead newHead,
      String entryKey,
      IdempotencyEntry entry,
      ExchangeResult result,
      byte[] resultBytes) {}

  private Prepared prepare(RequestIntake.Ready ready) {
    long now = context.currentSystemTimeMs();
    String traceId = ready.traceId();
    if (ready.idempotencyKey() == null) {
      return build(traceId, null, null, ready, now);
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
    return build(traceId, entryKey, requestHash, ready, now);
  }

  private Prepared build(
      String traceId, String entryKey, String requestHash, RequestIntake.Ready ready, long now) {
    ExchangeRules.Decision decision =
        rules.handle(
            ready.tenant(),
            traceId,
            ready.request(),
            chainHeads.get(traceId),
            Instant.ofEpochMilli(now));
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
          Json.toBytes(result));
    }
    return new Prepared(traceId, receipt, mac, newHead, entryKey, entry, result, resultBytes);
  }

  private static Prepared resultOnly(String traceId, ExchangeResult result) {
    return new Prepared(traceId, null, null, null, null, null, result, Json.toBytes(result));
  }

  /**
   * No catch here: a failure fails the task and aborts the transaction, so no half is committed.
   */
  private void commit(FixedKeyRecord<String, Inbound> request, Prepared prepared) {
    long now = context.currentSystemTimeMs();
    if (prepared.receipt() != null) {
      context.forward(
          request
              .withValue((Output) new Output.Receipt(prepared.receipt()))
              .withHeaders(OutputHeaders.receipt(prepared.receiptMac()))
              .withTimestamp(now));
      chainHeads.put(prepared.traceId(), prepared.newHead());
    }
    if (prepared.entry() != null) {
      // prepare() read this key and found it absent, and nothing wrote it since.
      idempotency.putNew(prepared.entryKey(), prepared.entry());
    }
    counters.result(prepared.result());
    context.forward(RefusalNode.result(request, prepared.resultBytes(), now));
  }
}
