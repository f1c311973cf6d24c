package dev.signet.processor;

import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.crypto.ForwardMacs;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.crypto.RecordMac;
import dev.signet.core.crypto.RepairMacs;
import dev.signet.core.crypto.ResultMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.topic.JsonSerde;
import dev.signet.core.topic.MacStampingSerializer;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import dev.signet.core.trace.TraceIds;
import dev.signet.core.trace.TracePartitioner;
import dev.signet.core.types.TypeRegistry;
import dev.signet.processor.chain.ChainHead;
import dev.signet.processor.egress.EgressSettings;
import dev.signet.processor.idempotency.IdempotencyEntry;
import dev.signet.processor.keys.KeyTableRecords;
import dev.signet.processor.keys.TaskKeyTable;
import dev.signet.processor.repair.FuLedger;
import dev.signet.processor.repair.PeriodTotalsIntake;
import dev.signet.processor.repair.RepairPolicy;
import dev.signet.processor.transform.RepairMetrics;
import dev.signet.processor.transform.Transformations;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

/**
 * The exchange pipeline, read top to bottom in {@link #build()}:
 *
 * <ul>
 *   <li>In: {@link Topics#EXCHANGE_REQUESTS} (key: trace id or null, value: request JSON bytes, API
 *       key in a header).
 *   <li>{@code intake} ({@link IntakeNode}: {@link RequestIntake}, {@link TraceRouting}, the task's
 *       API key table in the store {@value dev.signet.processor.keys.TaskKeyTable#STORE}, replaced
 *       by the key-table records the processor announces on the log) keys each record by its trace
 *       and splits it three ways: refused (→ {@code refuse}: a result, and for a poison record a
 *       dead letter), off its trace's partition (→ {@code mark-rerouted} → back to {@link
 *       Topics#EXCHANGE_REQUESTS} on the trace's partition, by Signet's partitioner; a second miss
 *       is refused, never looped), ready (→ the stateful {@value #PROCESSOR} node, {@link
 *       ExchangeNode} over {@link ExchangeRules}, with the stores {@value #CHAIN_HEADS_STORE},
 *       {@value #IDEMPOTENCY_STORE}, {@value #IDEMPOTENCY_EXPIRY_INDEX_STORE}).
 *   <li>Out: both merge into {@code outputs}, split by kind: {@link Topics#RECEIPTS} (with the
 *       origin MAC header); results (correlation headers and the result MAC only, never the API
 *       key) to {@link Topics#EXCHANGE_REPLIES} for a caller ingress holds (read before the
 *       commit), {@link Topics#EXCHANGE_REPLIES_SETTLED} for the answers that must wait for it, or
 *       {@link Topics#EXCHANGE_RESULTS} for async producers (see {@link Output.Destination});
 *       {@link Topics#EXCHANGE_DLQ} (original bytes and headers without the API key, reason in
 *       headers); the slow stages' requests and FU charges. Outputs are serialised and size-checked
 *       by the node that makes them, so the sinks write bytes.
 *   <li>The slow stages' recorded outcomes are sequenced back onto {@link Topics#EXCHANGE_REQUESTS}
 *       ({@link OutcomeIntake}), so every input of a task is one log: what the exchange writes is a
 *       function of committed records, and a replayed transaction writes the same bytes.
 * </ul>
 *
 * <p>No repartition topic: routing needs the source partition, so it runs first, and nothing after
 * it groups or joins. Runs under {@code exactly_once_v2}: a receipt, its result, the chain head and
 * the idempotency entry commit together or not at all, and one trace is always handled by one task.
 * Store names are state: renaming one loses its contents.
 */
public final class ExchangeTopology {

  static final String SOURCE = "requests-source";
  static final String INTAKE = "intake";
  static final String PROCESSOR = "exchange-processor";
  static final String RESULTS_SINK = "results-sink";
  static final String REPLIES_SINK = "replies-sink";
  static final String SETTLED_REPLIES_SINK = "settled-replies-sink";
  static final String RECEIPTS_SINK = "receipts-sink";
  static final String DLQ_SINK = "dlq-sink";
  static final String REROUTE_SINK = "reroute-to-trace-partition";
  public static final String CHAIN_HEADS_STORE = "chain-heads";
  public static final String IDEMPOTENCY_STORE = "idempotency-keys";
  public static final String IDEMPOTENCY_EXPIRY_INDEX_STORE = "idempotency-expiry-index";
  public static final String PENDING_REPAIRS_STORE = "pending-repairs";
  public static final String FU_LEDGER_STORE = "fu-quota-ledger";
  public static final String FU_PERIOD_TOTALS_STORE = "fu-period-totals";
  static final String REPAIR_OUTCOMES_SOURCE = "repair-outcomes-source";
  static final String REPAIR_REQUESTS_SINK = "repair-requests-sink";
  static final String FU_CHARGES_SINK = "fu-charges-sink";
  static final String FORWARD_OUTCOMES_SOURCE = "forward-outcomes-source";
  static final String FORWARD_REQUESTS_SINK = "forward-requests-sink";

  /**
   * What the topology is built from; {@code requestPartitions} is the requests topic's partition
   * count; {@code apiKeys} is the table a task uses until a key-table record reaches it.
   */
  public record Settings(
      ApiKeys apiKeys,
      SigningKey signingKey,
      ServerSecret serverSecret,
      Admission.Limits limits,
      Duration idempotencyRetention,
      int requestPartitions,
      TypeRegistry types,
      RepairPolicy repair,
      EgressSettings egress) {

    /** With the default forwarding policy (only tenants' own allow-lists). */
    public Settings(
        ApiKeys apiKeys,
        SigningKey signingKey,
        ServerSecret serverSecret,
        Admission.Limits limits,
        Duration idempotencyRetention,
        int requestPartitions,
        TypeRegistry types,
        RepairPolicy repair) {
      this(
          apiKeys,
          signingKey,
          serverSecret,
          limits,
          idempotencyRetention,
          requestPartitions,
          types,
          repair,
          EgressSettings.defaults());
    }

    /** Without a model: every repair that needs one is refused. */
    public Settings(
        ApiKeys apiKeys,
        SigningKey signingKey,
        ServerSecret serverSecret,
        Admission.Limits limits,
        Duration idempotencyRetention,
        int requestPartitions,
        TypeRegistry types) {
      this(
          apiKeys,
          signingKey,
          serverSecret,
          limits,
          idempotencyRetention,
          requestPartitions,
          types,
          RepairPolicy.none());
    }

    /** With the built-in types and mappings only. */
    public Settings(
        ApiKeys apiKeys,
        SigningKey signingKey,
        ServerSecret serverSecret,
        Admission.Limits limits,
        Duration idempotencyRetention,
        int requestPartitions) {
      this(
          apiKeys,
          signingKey,
          serverSecret,
          limits,
          idempotencyRetention,
          requestPartitions,
          TypeRegistry.builtIn());
    }

    public Settings {
      Objects.requireNonNull(types, "types");
      Objects.requireNonNull(repair, "repair");
      Objects.requireNonNull(egress, "egress");
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
    RequestIntake intake = new RequestIntake(admission, new TraceIds(settings.serverSecret()));
    KeyTableRecords keyTables = new KeyTableRecords(settings.serverSecret());
    TraceRouting routing = new TraceRouting(settings.requestPartitions());
    RepairMetrics repairMetrics = new RepairMetrics(meters);
    ExchangePhases phases = new ExchangePhases(meters);
    ExchangeRules rules =
        new ExchangeRules(
            Transformations.from(settings.types(), admission, repairMetrics),
            new ReceiptIssuer(settings.signingKey()),
            settings.repair().modelAvailable(),
            settings.egress(),
            phases);
    ReceiptMac receiptMac = new ReceiptMac(settings.serverSecret());
    RepairMacs repairMacs = RepairMacs.of(settings.serverSecret());
    ForwardMacs forwardMacs = ForwardMacs.of(settings.serverSecret());
    ExchangeCounters counters = new ExchangeCounters(meters);
    StageCounters stageCounters = new StageCounters(meters, repairMetrics, phases);
    StageOutcomes outcomes = new StageOutcomes(repairMacs.outcome(), forwardMacs.outcome(), meters);
    Topic<String, byte[]> requests = Topics.EXCHANGE_REQUESTS;

    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(TaskKeyTable.STORE),
            Serdes.String(),
            Serdes.ByteArray()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CHAIN_HEADS_STORE),
            Serdes.String(),
            JsonSerde.of(ChainHead.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(IDEMPOTENCY_STORE),
            Serdes.String(),
            IdempotencyEntry.SERDE));
    // Byte keys so that RocksDB's byte-wise order is time order; see IdempotencyStore.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(IDEMPOTENCY_EXPIRY_INDEX_STORE),
            Serdes.Bytes(),
            Serdes.ByteArray()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(PENDING_REPAIRS_STORE),
            Serdes.String(),
            JsonSerde.of(PendingExchange.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(FU_LEDGER_STORE),
            Serdes.String(),
            JsonSerde.of(FuLedger.class)));
    Map<String, KStream<String, Inbound>> taken =
        builder.stream(
                requests.name(),
                Consumed.with(requests.keySerde(), requests.valueSerde()).withName(SOURCE))
            .process(
                () ->
                    new IntakeNode(
                        intake, routing, outcomes, keyTables, settings.apiKeys(), phases, meters),
                Named.as(INTAKE),
                TaskKeyTable.STORE)
            .split(Named.as("taken-"))
            .branch((trace, in) -> in instanceof Inbound.Refused, Branched.as("refused"))
            .branch((trace, in) -> in instanceof Inbound.OffHome, Branched.as("off-home"))
            .defaultBranch(Branched.as("ready"));

    taken
        .get("taken-off-home")
        .processValues(() -> new RerouteNode(counters), Named.as("mark-rerouted"))
        .to(
            requests.name(),
            Produced.with(requests.keySerde(), requests.valueSerde())
                .withStreamPartitioner(tracePartitioner())
                .withName(REROUTE_SINK));

    KStream<String, Output> refusals =
        taken
            .get("taken-refused")
            .processValues(() -> new RefusalNode(counters), Named.as("refuse"));
    // The workers' recorded outcomes, sequenced onto the requests topic on their trace's
    // partition: the exchange node then reads every input of a trace in one log order.
    sequence(
        builder,
        Topics.EXCHANGE_REPAIR_OUTCOMES,
        REPAIR_OUTCOMES_SOURCE,
        StageOutcomes.REPAIR,
        outcomes);
    sequence(
        builder,
        Topics.EXCHANGE_FORWARD_OUTCOMES,
        FORWARD_OUTCOMES_SOURCE,
        StageOutcomes.FORWARD,
        outcomes);
    KStream<String, Output> exchanged =
        taken
            .get("taken-ready")
            .processValues(
                () ->
                    new ExchangeNode(
                        rules,
                        receiptMac,
                        settings.repair(),
                        settings.idempotencyRetention(),
                        meters,
                        counters,
                        stageCounters),
                Named.as(PROCESSOR),
                CHAIN_HEADS_STORE,
                IDEMPOTENCY_STORE,
                IDEMPOTENCY_EXPIRY_INDEX_STORE,
                PENDING_REPAIRS_STORE,
                FU_LEDGER_STORE);

    Map<String, KStream<String, Output>> outputs =
        refusals
            .merge(exchanged, Named.as("outputs"))
            .split(Named.as("write-"))
            .branch((trace, out) -> out instanceof Output.Receipt, Branched.as("receipt"))
            .branch((trace, out) -> out instanceof Output.DeadLetter, Branched.as("dead-letter"))
            .branch((trace, out) -> out instanceof Output.RepairAsk, Branched.as("repair-ask"))
            .branch((trace, out) -> out instanceof Output.FuCharge, Branched.as("fu-charge"))
            .branch((trace, out) -> out instanceof Output.ForwardAsk, Branched.as("forward-ask"))
            .branch((trace, out) -> isResult(out, Output.Destination.REPLIES), Branched.as("reply"))
            .branch(
                (trace, out) -> isResult(out, Output.Destination.REPLIES_SETTLED),
                Branched.as("settled-reply"))
            .defaultBranch(Branched.as("result"));
    outputs
        .get("write-receipt")
        .to(
            Topics.RECEIPTS.name(),
            Produced.with(Serdes.String(), Output.SERDE).withName(RECEIPTS_SINK));
    // Results carry the processor's MAC over their exact bytes: ingress answers a caller only
    // with a result that has it.
    Serde<Output> resultSerde = stamped(ResultMac.of(settings.serverSecret()));
    outputs
        .get("write-result")
        .to(
            Topics.EXCHANGE_RESULTS.name(),
            Produced.with(Serdes.String(), resultSerde).withName(RESULTS_SINK));
    outputs
        .get("write-reply")
        .to(
            Topics.EXCHANGE_REPLIES.name(),
            Produced.with(Serdes.String(), resultSerde).withName(REPLIES_SINK));
    outputs
        .get("write-settled-reply")
        .to(
            Topics.EXCHANGE_REPLIES_SETTLED.name(),
            Produced.with(Serdes.String(), resultSerde).withName(SETTLED_REPLIES_SINK));
    outputs
        .get("write-dead-letter")
        .to(
            Topics.EXCHANGE_DLQ.name(),
            Produced.with(Serdes.String(), Output.SERDE).withName(DLQ_SINK));

    outputs
        .get("write-repair-ask")
        .to(
            Topics.EXCHANGE_REPAIR_REQUESTS.name(),
            Produced.with(Serdes.String(), stamped(repairMacs.request()))
                .withStreamPartitioner(tracePartitioner())
                .withName(REPAIR_REQUESTS_SINK));
    outputs
        .get("write-forward-ask")
        .to(
            Topics.EXCHANGE_FORWARD_REQUESTS.name(),
            Produced.with(Serdes.String(), stamped(forwardMacs.request()))
                .withStreamPartitioner(tracePartitioner())
                .withName(FORWARD_REQUESTS_SINK));
    outputs
        .get("write-fu-charge")
        .to(
            Topics.EXCHANGE_FU_CHARGES.name(),
            Produced.with(Serdes.String(), stamped(repairMacs.fuCharge()))
                .withName(FU_CHARGES_SINK));

    // Billing's FU period totals, on every instance: the quota of a tenant whose traces span
    // every partition. Global stores restore from their topic, so no changelog. Added last, so
    // that the exchange sub-topology keeps its number (0) and its task ids across the upgrade.
    Topic<String, PeriodTotal> totals = Topics.BILLING_PERIOD_TOTALS;
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(FU_PERIOD_TOTALS_STORE),
                Serdes.String(),
                JsonSerde.of(PeriodTotal.class))
            .withLoggingDisabled(),
        totals.name(),
        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("fu-period-totals-source"),
        () ->
            new PeriodTotalsIntake(
                FU_PERIOD_TOTALS_STORE, BillingMacs.of(settings.serverSecret()).periodTotals()));
    return builder.build();
  }

  /**
   * A slow stage's recorded outcomes, authenticated and copied onto the requests topic on their
   * trace's partition (see {@link OutcomeIntake}).
   */
  private static void sequence(
      StreamsBuilder builder,
      Topic<String, ?> topic,
      String sourceName,
      String stage,
      StageOutcomes outcomes) {
    Topic<String, byte[]> requests = Topics.EXCHANGE_REQUESTS;
    builder.stream(
            topic.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(sourceName))
        .process(() -> new OutcomeIntake(stage, outcomes), Named.as(stage + "-outcome-intake"))
        .to(
            requests.name(),
            Produced.with(requests.keySerde(), requests.valueSerde())
                .withStreamPartitioner(tracePartitioner())
                .withName("sequence-" + stage + "-outcomes"));
  }

  private static boolean isResult(Output output, Output.Destination destination) {
    return output instanceof Output.Result result && result.destination() == destination;
  }

  /** Outputs whose sink stamps {@code mac} over exactly the bytes it writes. */
  private static Serde<Output> stamped(RecordMac mac) {
    return Serdes.serdeFrom(
        new MacStampingSerializer<>(Output.SERDE.serializer(), mac), Output.SERDE.deserializer());
  }

  /**
   * Signet's trace partitioner: a re-routed request lands on its trace's partition, and a repair
   * request on the partition whose number the worker answers on, which the same task reads.
   */
  private static <V> StreamPartitioner<String, V> tracePartitioner() {
    return (topic, traceId, value, partitions) ->
        Optional.of(Set.of(TracePartitioner.partition(traceId, partitions)));
  }
}
