package dev.signet.processor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeRequest;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.tenant.Tenant;
import dev.signet.processor.chain.ChainHead;
import dev.signet.processor.idempotency.IdempotencyEntry;
import dev.signet.processor.idempotency.IdempotencyStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful step of the exchange topology: authenticates the record's API key, applies the
 * idempotency contract, hands the request to {@link ExchangeHandler} with the trace's chain
 * head, and forwards the result, the receipt, or (for a record that breaks the code) the raw
 * record to the dead-letter sink. All outputs of one input commit in one Kafka transaction.
 */
final class ExchangeProcessor implements Processor<String, byte[], String, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(ExchangeProcessor.class);

  private final ApiKeys apiKeys;
  private final ExchangeHandler handler;
  private final Duration idempotencyRetention;
  private final MeterRegistry meters;
  private final Map<String, Counter> outcomeCounters = new ConcurrentHashMap<>();

  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, ChainHead> chainHeads;
  private IdempotencyStore idempotency;

  ExchangeProcessor(ApiKeys apiKeys, ExchangeHandler handler, Duration idempotencyRetention, MeterRegistry meters) {
    this.apiKeys = apiKeys;
    this.handler = handler;
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
    try {
      ExchangeResult result = handle(record);
      count(result);
      context.forward(reply(record, result), ExchangeTopology.RESULTS_SINK);
    } catch (RuntimeException e) {
      // A bug must not stop the partition nor lose the request: park it and tell the caller.
      LOG.error("exchange on trace {} failed unexpectedly; sent to the DLQ", record.key(), e);
      Headers dlqHeaders = new RecordHeaders();
      SignetHeaders.put(dlqHeaders, "x-signet-error", e.toString());
      SignetHeaders.put(dlqHeaders, SignetHeaders.CORRELATION_ID, SignetHeaders.text(record.headers(), SignetHeaders.CORRELATION_ID));
      context.forward(new Record<String, Object>(record.key(), record.value(), record.timestamp(), dlqHeaders), ExchangeTopology.DLQ_SINK);
      ExchangeResult internal = ExchangeHandler.reject(record.key(), ErrorCode.INTERNAL, "the exchange could not be processed; it was kept for inspection").result();
      count(internal);
      context.forward(reply(record, internal), ExchangeTopology.RESULTS_SINK);
    }
  }

  private ExchangeResult handle(Record<String, byte[]> record) {
    String apiKey = SignetHeaders.text(record.headers(), SignetHeaders.API_KEY);
    if (apiKey == null || apiKey.isEmpty()) {
      return ExchangeHandler.reject(record.key(), ErrorCode.AUTH_MISSING, "record header " + SignetHeaders.API_KEY + " is required").result();
    }
    Optional<Tenant> tenant = apiKeys.authenticate(apiKey);
    if (tenant.isEmpty()) {
      return ExchangeHandler.reject(record.key(), ErrorCode.AUTH_INVALID, "unknown API key").result();
    }
    JsonNode body;
    ExchangeRequest request;
    try {
      body = Json.parse(record.value() == null ? new byte[0] : record.value());
      if (!body.isObject()) {
        throw new IllegalArgumentException("the request must be a JSON object");
      }
      request = Json.convert(body, ExchangeRequest.class);
    } catch (RuntimeException e) {
      return ExchangeHandler.reject(record.key(), ErrorCode.MALFORMED_REQUEST, e.getMessage()).result();
    }
    String traceId = request.traceId() != null ? request.traceId() : record.key();
    if (traceId == null || traceId.isBlank()) {
      return ExchangeHandler.reject(null, ErrorCode.TRACE_ID_MISSING, "set trace_id in the body or use it as the record key").result();
    }
    if (record.key() != null && !record.key().equals(traceId)) {
      // Keying by trace is what keeps one trace on one task; anything else could fork a chain.
      return ExchangeHandler.reject(traceId, ErrorCode.TRACE_KEY_MISMATCH, "the record key must equal trace_id").result();
    }
    String idempotencyKey = SignetHeaders.text(record.headers(), SignetHeaders.IDEMPOTENCY_KEY);
    if (idempotencyKey == null) {
      return issue(tenant.get(), traceId, request);
    }
    String storeKey = IdempotencyEntry.storeKey(tenant.get().tenant(), idempotencyKey);
    String requestHash;
    try {
      requestHash = Hashes.sha256(Canonical.canonicalize(body));
    } catch (IllegalArgumentException e) {
      return ExchangeHandler.reject(traceId, ErrorCode.MALFORMED_REQUEST, "the request has no RFC 8785 form: " + e.getMessage()).result();
    }
    IdempotencyEntry previous = idempotency.get(storeKey);
    if (previous != null) {
      if (previous.requestHash().equals(requestHash)) {
        return previous.result().asReplay();
      }
      return ExchangeHandler.reject(traceId, ErrorCode.IDEMPOTENCY_CONFLICT, "idempotency key was used with a different request").result();
    }
    ExchangeResult result = issue(tenant.get(), traceId, request);
    idempotency.put(storeKey, new IdempotencyEntry(requestHash, context.currentSystemTimeMs(), result));
    return result;
  }

  private ExchangeResult issue(Tenant tenant, String traceId, ExchangeRequest request) {
    ExchangeHandler.Decision decision =
        handler.handle(tenant, traceId, request, chainHeads.get(traceId), Instant.ofEpochMilli(context.currentSystemTimeMs()));
    if (decision instanceof ExchangeHandler.Issued issued) {
      context.forward(new Record<String, Object>(traceId, issued.receipt(), context.currentSystemTimeMs(), new RecordHeaders()), ExchangeTopology.RECEIPTS_SINK);
      chainHeads.put(traceId, issued.newHead());
      return issued.result();
    }
    return ((ExchangeHandler.Rejected) decision).result();
  }

  private Record<String, Object> reply(Record<String, byte[]> request, ExchangeResult result) {
    // Only the correlation id travels on: the API key must never reach the results topic.
    Headers headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.CORRELATION_ID, SignetHeaders.text(request.headers(), SignetHeaders.CORRELATION_ID));
    SignetHeaders.put(headers, SignetHeaders.ACCEPTED_AT, SignetHeaders.text(request.headers(), SignetHeaders.ACCEPTED_AT));
    String key = result.traceId() != null ? result.traceId() : request.key();
    return new Record<>(key, result, context.currentSystemTimeMs(), headers);
  }

  private void count(ExchangeResult result) {
    String outcome = result.accepted() ? (result.idempotencyHit() ? "replay" : "issued") : result.code();
    outcomeCounters
        .computeIfAbsent(outcome, o -> Counter.builder("signet_exchanges").tag("outcome", o).description("Exchanges processed, by outcome").register(meters))
        .increment();
  }

}
