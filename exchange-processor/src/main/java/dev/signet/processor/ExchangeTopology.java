package dev.signet.processor;

import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.topic.JsonSerde;
import dev.signet.core.topic.Topics;
import dev.signet.core.trace.TraceIds;
import dev.signet.core.trace.TracePartitioner;
import dev.signet.processor.chain.ChainHead;
import dev.signet.processor.idempotency.IdempotencyEntry;
import dev.signet.processor.transform.Transformations;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

/**
 * The exchange pipeline: {@code signet.exchange.requests.v1} (keyed by trace id) → intake
 * (authenticate, admit), route, idempotency, validate/transform, chain, sign →
 * {@code signet.exchange.results.v1}, {@code signet.receipts.v1} (with the origin MAC header),
 * {@code signet.exchange.dlq.v1} for poison records and bugs, and back to
 * {@code signet.exchange.requests.v1} for a record that landed off its trace's partition.
 * Runs under {@code exactly_once_v2}: a receipt, its result, the chain head and the idempotency
 * entry commit together or not at all, and one trace is always handled by one task.
 */
public final class ExchangeTopology {

  static final String SOURCE = "requests-source";
  static final String PROCESSOR = "exchange-processor";
  static final String RESULTS_SINK = "results-sink";
  static final String RECEIPTS_SINK = "receipts-sink";
  static final String DLQ_SINK = "dlq-sink";
  static final String REROUTE_SINK = "reroute-to-trace-partition";
  public static final String CHAIN_HEADS_STORE = "chain-heads";
  public static final String IDEMPOTENCY_STORE = "idempotency-keys";
  public static final String IDEMPOTENCY_EXPIRY_INDEX_STORE = "idempotency-expiry-index";

  /** What the topology is built from; {@code requestPartitions} is the requests topic's partition count. */
  public record Settings(
      ApiKeys apiKeys,
      SigningKey signingKey,
      ServerSecret serverSecret,
      Admission.Limits limits,
      Duration idempotencyRetention,
      int requestPartitions) {

    public Settings {
      Objects.requireNonNull(apiKeys, "apiKeys");
      Objects.requireNonNull(signingKey, "signingKey");
      Objects.requireNonNull(serverSecret, "serverSecret");
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(idempotencyRetention, "idempotencyRetention");
    }
  }

  private final Settings settings;
  private final MeterRegistry meters;

  public ExchangeTopology(Settings settings, MeterRegistry meters) {
    this.settings = settings;
    this.meters = meters;
  }

  public Topology build() {
    Admission admission = new Admission(settings.limits());
    RequestIntake intake = new RequestIntake(settings.apiKeys(), admission, new TraceIds(settings.serverSecret()));
    TraceRouting routing = new TraceRouting(settings.requestPartitions());
    ExchangeRules rules = new ExchangeRules(Transformations.standard(admission), new ReceiptIssuer(settings.signingKey()));
    ReceiptMac receiptMac = new ReceiptMac(settings.serverSecret());

    Topology topology = new Topology();
    topology.addSource(
        SOURCE,
        Topics.EXCHANGE_REQUESTS.keySerde().deserializer(),
        Topics.EXCHANGE_REQUESTS.valueSerde().deserializer(),
        Topics.EXCHANGE_REQUESTS.name());
    topology.addProcessor(
        PROCESSOR, () -> new ExchangeProcessor(intake, routing, rules, receiptMac, settings.idempotencyRetention(), meters), SOURCE);
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
    // Results and receipts are serialised (and size-checked) by the processor before anything is
    // written, so the sinks take bytes; readers still see the topics' declared JSON.
    topology.addSink(RESULTS_SINK, Topics.EXCHANGE_RESULTS.name(), new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
    topology.addSink(RECEIPTS_SINK, Topics.RECEIPTS.name(), new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
    topology.addSink(
        DLQ_SINK,
        Topics.EXCHANGE_DLQ.name(),
        Topics.EXCHANGE_DLQ.keySerde().serializer(),
        Topics.EXCHANGE_DLQ.valueSerde().serializer(),
        PROCESSOR);
    topology.addSink(
        REROUTE_SINK,
        Topics.EXCHANGE_REQUESTS.name(),
        new StringSerializer(),
        new ByteArraySerializer(),
        tracePartitioner(),
        PROCESSOR);
    return topology;
  }

  private static StreamPartitioner<String, byte[]> tracePartitioner() {
    return (topic, traceId, value, partitions) -> Optional.of(Set.of(TracePartitioner.partition(traceId, partitions)));
  }
}
