package dev.signet.processor;

import dev.signet.core.admission.Admission;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.tenant.ApiKeysConfig;
import dev.signet.core.types.TypeRegistry;
import dev.signet.processor.egress.EgressSettings;
import dev.signet.processor.repair.ModelSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Everything the exchange processor needs. {@code commitInterval} is the main latency knob of the
 * synchronous API: a result becomes visible to read_committed readers only when the transaction
 * that wrote it commits. {@code instanceId} (optional, stable per instance, e.g. a StatefulSet pod
 * name) makes the instance a static group member ({@link dev.signet.shell.StreamsTuning}, as for
 * billing) and names its stage workers' transactional ids. {@code types} are the schemas and
 * mappings: the built-ins plus {@code SP_SCHEMA_DIR}. {@code model} is the LLM fallback's ({@code
 * SP_OPENAI_*}): with an API key, the processor runs the repair worker beside its Streams
 * application. {@code egress} is the forwarding policy's ({@code SP_HEL_*}); the forward worker
 * always runs.
 */
public record ProcessorConfig(
    String bootstrapServers,
    String applicationId,
    Path stateDir,
    Duration commitInterval,
    int streamThreads,
    short replicationFactor,
    ApiKeysConfig apiKeys,
    SigningKey signingKey,
    ServerSecret serverSecret,
    Admission.Limits limits,
    Duration idempotencyRetention,
    String instanceId,
    TypeRegistry types,
    ModelSettings model,
    EgressSettings egress,
    KafkaClientProperties kafkaClient) {

  /** Without Kafka security settings (PLAINTEXT): local mode and tests. */
  public ProcessorConfig(
      String bootstrapServers,
      String applicationId,
      Path stateDir,
      Duration commitInterval,
      int streamThreads,
      short replicationFactor,
      ApiKeysConfig apiKeys,
      SigningKey signingKey,
      ServerSecret serverSecret,
      Admission.Limits limits,
      Duration idempotencyRetention,
      String instanceId,
      TypeRegistry types,
      ModelSettings model,
      EgressSettings egress) {
    this(
        bootstrapServers,
        applicationId,
        stateDir,
        commitInterval,
        streamThreads,
        replicationFactor,
        apiKeys,
        signingKey,
        serverSecret,
        limits,
        idempotencyRetention,
        instanceId,
        types,
        model,
        egress,
        KafkaClientProperties.none());
  }

  /** With the default forwarding policy: only tenants' own allow-lists, https on 443. */
  public ProcessorConfig(
      String bootstrapServers,
      String applicationId,
      Path stateDir,
      Duration commitInterval,
      int streamThreads,
      short replicationFactor,
      ApiKeysConfig apiKeys,
      SigningKey signingKey,
      ServerSecret serverSecret,
      Admission.Limits limits,
      Duration idempotencyRetention,
      String instanceId,
      TypeRegistry types,
      ModelSettings model) {
    this(
        bootstrapServers,
        applicationId,
        stateDir,
        commitInterval,
        streamThreads,
        replicationFactor,
        apiKeys,
        signingKey,
        serverSecret,
        limits,
        idempotencyRetention,
        instanceId,
        types,
        model,
        EgressSettings.defaults(),
        KafkaClientProperties.none());
  }

  /** With the built-in types and mappings only, no model, the default forwarding policy. */
  public ProcessorConfig(
      String bootstrapServers,
      String applicationId,
      Path stateDir,
      Duration commitInterval,
      int streamThreads,
      short replicationFactor,
      ApiKeysConfig apiKeys,
      SigningKey signingKey,
      ServerSecret serverSecret,
      Admission.Limits limits,
      Duration idempotencyRetention,
      String instanceId) {
    this(
        bootstrapServers,
        applicationId,
        stateDir,
        commitInterval,
        streamThreads,
        replicationFactor,
        apiKeys,
        signingKey,
        serverSecret,
        limits,
        idempotencyRetention,
        instanceId,
        TypeRegistry.builtIn(),
        ModelSettings.unavailable(),
        EgressSettings.defaults(),
        KafkaClientProperties.none());
  }

  public ProcessorConfig {
    Objects.requireNonNull(types, "types");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(egress, "egress");
    Objects.requireNonNull(kafkaClient, "kafkaClient");
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(commitInterval, "commitInterval");
    Objects.requireNonNull(apiKeys, "apiKeys");
    Objects.requireNonNull(signingKey, "signingKey");
    Objects.requireNonNull(serverSecret, "serverSecret");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(idempotencyRetention, "idempotencyRetention");
    if (streamThreads < 1) {
      throw new IllegalArgumentException("streamThreads must be at least 1");
    }
  }

  public static final String DEFAULT_APPLICATION_ID = "signet-exchange-processor";

  /**
   * Sync callers are answered before the commit (see the replies topic), so the interval only
   * bounds how soon receipts, async results, stage requests and settled replies are visible: 100 ms
   * instead of 20 gave 17-42 % more plain sync requests per second on a 2-core box (fewer
   * transactions per request), and costs a repaired or forwarded exchange two longer waits (repair
   * p50 274 -> 427 ms at concurrency 8). README, "The commit interval".
   */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);

  public Properties streamsProperties() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    // A stream thread only commits between polls, and an idle poll blocks for poll.ms (100 ms by
    // default): under light load every result would wait that long for its transaction to commit.
    props.put(
        StreamsConfig.POLL_MS_CONFIG, Math.max(1, Math.min(10, commitInterval.toMillis() / 4)));
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor);
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class);
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OutputFailureHandler.class);
    // Streams' producer lingers 100 ms by default; the commit interval already batches.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    // Uncompressed: under sync load a batch holds a record or two, and lz4 allocated a new 64 KB
    // block per batch, and its readers a buffer per record: 60 % of all allocation in a sync
    // bench. Without it: -10 % CPU per exchange, +10 % sync throughput (README, issue 11).
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 5);
    // Security settings reach every client Streams creates (consumers, producers, admin).
    return kafkaClient.applyTo(props);
  }
}
