package dev.signet.processor;

import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.topic.JsonSerde;
import dev.signet.core.topic.Topics;
import dev.signet.processor.chain.ChainHead;
import dev.signet.processor.idempotency.IdempotencyEntry;
import dev.signet.processor.transform.Transformations;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The exchange pipeline: {@code signet.exchange.requests.v1} (keyed by trace id) → authenticate,
 * idempotency, validate/transform, chain, sign → {@code signet.exchange.results.v1},
 * {@code signet.receipts.v1}, and {@code signet.exchange.dlq.v1} for records that break the code.
 * Runs under {@code exactly_once_v2}: a receipt, its result, the chain head and the idempotency
 * entry commit together or not at all, and one trace is always handled by one task.
 */
public final class ExchangeTopology {

  static final String SOURCE = "requests-source";
  static final String PROCESSOR = "exchange-processor";
  static final String RESULTS_SINK = "results-sink";
  static final String RECEIPTS_SINK = "receipts-sink";
  static final String DLQ_SINK = "dlq-sink";
  public static final String CHAIN_HEADS_STORE = "chain-heads";
  public static final String IDEMPOTENCY_STORE = "idempotency-keys";
  public static final String IDEMPOTENCY_EXPIRY_INDEX_STORE = "idempotency-expiry-index";

  private final ApiKeys apiKeys;
  private final ReceiptIssuer issuer;
  private final Duration idempotencyRetention;
  private final MeterRegistry meters;

  public ExchangeTopology(ApiKeys apiKeys, ReceiptIssuer issuer, Duration idempotencyRetention, MeterRegistry meters) {
    this.apiKeys = apiKeys;
    this.issuer = issuer;
    this.idempotencyRetention = idempotencyRetention;
    this.meters = meters;
  }

  public Topology build() {
    ExchangeHandler handler = new ExchangeHandler(Transformations.standard(), issuer);
    Topology topology = new Topology();
    topology.addSource(
        SOURCE,
        Topics.EXCHANGE_REQUESTS.keySerde().deserializer(),
        Topics.EXCHANGE_REQUESTS.valueSerde().deserializer(),
        Topics.EXCHANGE_REQUESTS.name());
    topology.addProcessor(PROCESSOR, () -> new ExchangeProcessor(apiKeys, handler, idempotencyRetention, meters), SOURCE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CHAIN_HEADS_STORE), Serdes.String(), JsonSerde.of(ChainHead.class)),
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(IDEMPOTENCY_STORE), Serdes.String(), JsonSerde.of(IdempotencyEntry.class)),
        PROCESSOR);
    // Byte keys so that RocksDB's byte-wise order is time order; see IdempotencyStore.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IDEMPOTENCY_EXPIRY_INDEX_STORE), Serdes.Bytes(), Serdes.ByteArray()),
        PROCESSOR);
    topology.addSink(
        RESULTS_SINK,
        Topics.EXCHANGE_RESULTS.name(),
        Topics.EXCHANGE_RESULTS.keySerde().serializer(),
        Topics.EXCHANGE_RESULTS.valueSerde().serializer(),
        PROCESSOR);
    topology.addSink(
        RECEIPTS_SINK,
        Topics.RECEIPTS.name(),
        Topics.RECEIPTS.keySerde().serializer(),
        Topics.RECEIPTS.valueSerde().serializer(),
        PROCESSOR);
    topology.addSink(
        DLQ_SINK,
        Topics.EXCHANGE_DLQ.name(),
        Topics.EXCHANGE_DLQ.keySerde().serializer(),
        Topics.EXCHANGE_DLQ.valueSerde().serializer(),
        PROCESSOR);
    return topology;
  }
}
