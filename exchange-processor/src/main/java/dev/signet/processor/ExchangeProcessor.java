package dev.signet.processor;

import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import dev.signet.processor.chain.ChainHead;
import dev.signet.processor.idempotency.IdempotencyEntry;
import dev.signet.processor.idempotency.IdempotencyStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Processor-API adapter of the exchange topology: it moves records and state, the rules live
 * in {@link RequestIntake}, {@link TraceRouting} and {@link ExchangeRules}.
 *
 * <p>Per record, in this order: intake (stateless: refused records get their result, poison ones
 * also a dead-letter record); routing (a record off its trace's partition is re-produced there and
 * nothing else happens); <em>prepare</em> (idempotency lookup, rules, and every output serialised
 * and size-checked, with no write yet); <em>commit</em> (receipt, chain head, idempotency entry,
 * result). A failure while preparing is a bug in one record: it goes to the dead-letter topic with
 * an {@code INTERNAL} result and nothing else. A failure while committing fails the task, so the
 * transaction aborts and nothing of the half is ever visible.
 */
final class ExchangeProcessor implements Processor<String, byte[], String, Object> {

  private static final Logger log = LoggerFactory.getLogger(ExchangeProcessor.class);

  private final RequestIntake intake;
  private final TraceRouting routing;
  private final ExchangeRules rules;
  private final ReceiptMac receiptMac;
  private final Duration idempotencyRetention;
  private final MeterRegistry meters;
  private final Map<String, Counter> outcomeCounters = new ConcurrentHashMap<>();

  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, ChainHead> chainHeads;
  private IdempotencyStore idempotency;

  ExchangeProcessor(
      RequestIntake intake,
      TraceRouting routing,
      ExchangeRules rules,
      ReceiptMac receiptMac,
      Duration idempotencyRetention,
      MeterRegistry meters) {
    this.intake = intake;
    this.routing = routing;
    this.rules = rules;
    this.receiptMac = receiptMac;
    this.idempotencyRetention = idempotencyRetention;
    this.meters = meters;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.chainHeads = context.getStateStore(ExchangeTopology.CHAIN_HEADS_STORE);
    this.idempotency = new IdempotencyStore(
        context.getStateStore(ExchangeTopology.IDEMPOTENCY_STORE), context.getStateStore(ExchangeTopology.IDEMPOTENCY_EXPIRY_INDEX_STORE), meters);
    context.schedule(IdempotencyStore.sweepInterval(idempotencyRetention), PunctuationType.WALL_CLOCK_TIME,
        now -> idempotency.expire(now, idempotencyRetention, IdempotencyStore.MAX_EXPIRED_PER_RUN));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RequestIntake.Intake taken;
    try {
      taken = intake.take(record.key(), record.value(), record.headers());
    } catch (RuntimeException e) {
      deadLetterWithInternalResult(record, null, e);
      return;
    }
    if (taken instanceof RequestIntake.Refused refused) {
      if (refused.poison()) {
        deadLetter(record, refused.code(), refused.detail());
      }
      emitResult(record, ExchangeRules.reject(refused.traceId() != null ? refused.traceId() : record.key(), refused.code(), refused.detail()).result());
      return;
    }
    RequestIntake.Ready ready = (RequestIntake.Ready) taken;
    int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
    if (!routing.isHome(ready.traceId(), partition)) {
      reroute(record, ready.traceId(), partition);
      return;
    }
    Prepared prepared;
    try {
      prepared = prepare(ready);
    } catch (RuntimeException e) {
      deadLetterWithInternalResult(record, ready.traceId(), e);
      return;
    }
    commit(record, prepared);
  }

  /** Everything one request will write, already serialised and within the record size limit. */
  private record Prepared(
      String traceId, byte[] receipt, String receiptMac, ChainHead newHead, String entryKey, IdempotencyEntry entry,
      ExchangeResult result, byte[] resultBytes) {}

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
      return resultOnly(traceId, ExchangeRules.reject(traceId, ErrorCode.MALFORMED_REQUEST,
          "the request has no RFC 8785 form: " + e.getMessage()).result());
    }
    IdempotencyEntry previous = idempotency.get(entryKey);
    if (previous != null) {
      return resultOnly(traceId, previous.requestHash().equals(requestHash)
          ? previous.result().asReplay()
          : ExchangeRules.reject(traceId, ErrorCode.IDEMPOTENCY_CONFLICT, "idempotency key was used with a different request").result());
    }
    return build(traceId, entryKey, requestHash, ready, now);
  }

  private Prepared build(String traceId, String entryKey, String requestHash, RequestIntake.Ready ready, long now) {
    ExchangeRules.Decision decision = rules.handle(ready.tenant(), traceId, ready.request(), chainHeads.get(traceId), Instant.ofEpochMilli(now));
    byte[] receipt = null;
    String mac = null;
    ChainHead newHead = null;
    ExchangeResult result;
    if (decision instanceof ExchangeRules.Issued issued) {
      receipt = Json.toBytes(issued.receipt());
      mac = receiptMac.sign(receipt);
      newHead = issued.newHead();
      result = issued.result();
    } else {
      result = ((ExchangeRules.Rejected) decision).result();
    }
    byte[] resultBytes = Json.toBytes(result);
    IdempotencyEntry entry = entryKey == null ? null : new IdempotencyEntry(requestHash, now, result);
    // The entry is the result plus its hash and time: its size follows without serialising it twice.
    int largest = Math.max(resultBytes.length + (entry == null ? 0 : OutputLimits.ENTRY_OVERHEAD_BYTES), receipt == null ? 0 : receipt.length);
    if (largest > OutputLimits.MAX_RECORD_BYTES) {
      // Refused before anything is written: a record the broker would refuse must not leave a
      // chain head pointing at a receipt that never existed.
      result = ExchangeRules.reject(traceId, ErrorCode.PAYLOAD_TOO_LARGE, "the signed result would be " + largest
          + " bytes, over the " + OutputLimits.MAX_RECORD_BYTES + " a record may hold; send a smaller payload").result();
      return new Prepared(traceId, null, null, null, entryKey, entryKey == null ? null : new IdempotencyEntry(requestHash, now, result),
          result, Json.toBytes(result));
    }
    return new Prepared(traceId, receipt, mac, newHead, entryKey, entry, result, resultBytes);
  }

  private static Prepared resultOnly(String traceId, ExchangeResult result) {
    return new Prepared(traceId, null, null, null, null, null, result, Json.toBytes(result));
  }

  /** No catch here: a failure fails the task and aborts the transaction, so no half is committed. */
  private void commit(Record<String, byte[]> request, Prepared prepared) {
    long now = context.currentSystemTimeMs();
    if (prepared.receipt() != null) {
      Headers headers = new RecordHeaders();
      SignetHeaders.put(headers, SignetHeaders.RECEIPT_MAC, prepared.receiptMac());
      context.forward(new Record<String, Object>(prepared.traceId(), prepared.receipt(), now, headers), ExchangeTopology.RECEIPTS_SINK);
      chainHeads.put(prepared.traceId(), prepared.newHead());
    }
    if (prepared.entry() != null) {
      // prepare() read this key and found it absent, and nothing wrote it since.
      idempotency.putNew(prepared.entryKey(), prepared.entry());
    }
    count(prepared.result());
    context.forward(new Record<String, Object>(prepared.traceId(), prepared.resultBytes(), now, replyHeaders(request)), ExchangeTopology.RESULTS_SINK);
  }

  private void reroute(Record<String, byte[]> record, String traceId, int partition) {
    if (record.headers().lastHeader(SignetHeaders.REROUTED_FROM) != null) {
      // A re-routed record must arrive home; if it did not, the partition count changed under us.
      emitResult(record, ExchangeRules.reject(traceId, ErrorCode.UNAVAILABLE, "the record reached partition " + partition
          + " after re-routing, not its trace's partition: the requests topic's partition count changed; restart the processors")
          .result());
      return;
    }
    Headers headers = new RecordHeaders(record.headers().toArray());
    SignetHeaders.put(headers, SignetHeaders.REROUTED_FROM, Integer.toString(partition));
    context.forward(new Record<String, Object>(traceId, record.value(), record.timestamp(), headers), ExchangeTopology.REROUTE_SINK);
    counter("rerouted").increment();
  }

  private void emitResult(Record<String, byte[]> request, ExchangeResult result) {
    count(result);
    String key = result.traceId() != null ? result.traceId() : request.key();
    context.forward(new Record<String, Object>(key, Json.toBytes(result), context.currentSystemTimeMs(), replyHeaders(request)),
        ExchangeTopology.RESULTS_SINK);
  }

  private void deadLetterWithInternalResult(Record<String, byte[]> record, String traceId, RuntimeException e) {
    // A bug must not stop the partition nor lose the request: park it and tell the caller.
    log.error("exchange on trace {} failed unexpectedly; sent to the DLQ", traceId != null ? traceId : record.key(), e);
    deadLetter(record, ErrorCode.INTERNAL, e.toString());
    emitResult(record, ExchangeRules.reject(traceId, ErrorCode.INTERNAL, "the exchange could not be processed; it was kept for inspection").result());
  }

  /** The original bytes and headers (never the API key), with the reason and the source position. */
  private void deadLetter(Record<String, byte[]> record, ErrorCode code, String reason) {
    Headers headers = new RecordHeaders();
    for (Header header : record.headers()) {
      if (!header.key().equals(SignetHeaders.API_KEY)) {
        headers.add(header);
      }
    }
    SignetHeaders.put(headers, SignetHeaders.ERROR_CODE, code.name());
    SignetHeaders.put(headers, SignetHeaders.ERROR, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
    context.recordMetadata().ifPresent(source -> {
      SignetHeaders.put(headers, SignetHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
      SignetHeaders.put(headers, SignetHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
    });
    byte[] value = record.value();
    if (value != null && value.length > OutputLimits.MAX_RECORD_BYTES - RequestIntake.MAX_HEADER_BYTES - 4096) {
      value = Arrays.copyOf(value, OutputLimits.MAX_RECORD_BYTES - RequestIntake.MAX_HEADER_BYTES - 4096);
      SignetHeaders.put(headers, SignetHeaders.TRUNCATED_FROM, Integer.toString(record.value().length));
    }
    counter("dead-lettered").increment();
    context.forward(new Record<String, Object>(record.key(), value, record.timestamp(), headers), ExchangeTopology.DLQ_SINK);
  }

  private static Headers replyHeaders(Record<String, byte[]> request) {
    // Only the correlation id travels on: the API key must never reach the results topic.
    Headers headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.CORRELATION_ID, SignetHeaders.text(request.headers(), SignetHeaders.CORRELATION_ID));
    SignetHeaders.put(headers, SignetHeaders.ACCEPTED_AT, SignetHeaders.text(request.headers(), SignetHeaders.ACCEPTED_AT));
    return headers;
  }

  private void count(ExchangeResult result) {
    counter(result.accepted() ? (result.idempotencyHit() ? "replay" : "issued") : result.code()).increment();
  }

  private Counter counter(String outcome) {
    return outcomeCounters.computeIfAbsent(outcome,
        o -> Counter.builder("signet_exchanges").tag("outcome", o).description("Exchanges processed, by outcome").register(meters));
  }
}
