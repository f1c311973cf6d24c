package dev.signet.billing;

import dev.signet.core.billing.reserved.ReservedConfigPublisher;
import dev.signet.core.config.Env;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.KeyParser;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.tenant.ApiKeysConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Configuration of the billing aggregator, read from the environment through {@link Env}.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param applicationId Streams application id: consumer group, transactional id and prefix of the
 *     internal topics; changing it restarts billing from scratch
 * @param stateDir root of the local state; Streams keeps this application's under {@code
 *     stateDir/applicationId}, so services may share one root
 * @param commitInterval how often a transaction commits, and so how often hourly totals are emitted
 * @param grace lateness accepted after an hour ends before its total is final ({@code
 *     SP_BILLING_GRACE}, whole seconds); usage of a final hour becomes an adjustment
 * @param replicationFactor of the internal topics (changelog, repartition): 1 locally, 3 in
 *     production
 * @param serverSecret checks the processor's {@code x-signet-receipt-mac}: only receipts carrying
 *     it are billed
 * @param chargeInterval how often overage charges are computed ({@code SP_BILLING_CHARGE_INTERVAL},
 *     whole seconds, default 60): charges follow usage within it
 * @param apiKeys {@code SP_API_KEYS} or the reloaded {@code SP_API_KEYS_FILE}, for each tenant's
 *     {@code stripe_customer} and default meter names {@code stripe_item_vex}/{@code
 *     stripe_item_fu}; empty when unset
 * @param kafkaClient security settings of every Kafka client ({@code SP_KAFKA_PROPERTIES}, {@code
 *     SP_KAFKA_*})
 */
public record BillingConfig(
    String bootstrapServers,
    String applicationId,
    Path stateDir,
    Duration commitInterval,
    Duration grace,
    int replicationFactor,
    ServerSecret serverSecret,
    Duration chargeInterval,
    ApiKeysConfig apiKeys,
    KafkaClientProperties kafkaClient) {

  public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
  public static final String DEFAULT_APPLICATION_ID = "signet-billing-aggregator";

  /**
   * Period totals trail the receipts by about three commit intervals (the repartitioned usage
   * becomes readable at one commit, the next emission punctuation publishes the totals, the commit
   * after makes them readable), and finance and the FU quota want them within a second. Each commit
   * costs transaction markers on every partition written, and totals are batched per interval, so a
   * shorter interval costs more CPU and more output records; 250 ms keeps the lag under a second at
   * the processor's peak rate (see the README's billing figures).
   */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(250);

  /**
   * Streams sets its producer's {@code linger.ms} to 100. Batches still fill under load with a few
   * milliseconds, and repartitioned usage then reaches the aggregating task without waiting.
   */
  static final int PRODUCER_LINGER_MS = 5;

  static final String ENV_BOOTSTRAP = "SP_KAFKA_BOOTSTRAP";
  static final String ENV_STATE_DIR = "SP_STATE_DIR";
  static final String ENV_REPLICATION_FACTOR = "SP_REPLICATION_FACTOR";
  static final String ENV_PRIVATE_KEY = "SP_PRIVATE_KEY_B64";
  static final String ENV_GRACE = "SP_BILLING_GRACE";

  /** The longest {@code SP_BILLING_GRACE} accepted: the former fixed grace. */
  static final Duration MAX_GRACE = Duration.ofDays(7);

  static final String ENV_CHARGE_INTERVAL = "SP_BILLING_CHARGE_INTERVAL";

  /**
   * Charges follow usage within a minute (issue 8): the default is the longest interval that keeps
   * that promise. Shorter means more, smaller charges (each band an increment reaches is one record
   * and, later, one Stripe meter event).
   */
  public static final Duration DEFAULT_CHARGE_INTERVAL = Duration.ofSeconds(60);

  public BillingConfig {
    requireText(bootstrapServers, "bootstrapServers");
    requireText(applicationId, "applicationId");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(commitInterval, "commitInterval");
    Objects.requireNonNull(grace, "grace");
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("commitInterval must be positive, got " + commitInterval);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, got " + grace);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replicationFactor must be at least 1, got " + replicationFactor);
    }
    Objects.requireNonNull(serverSecret, "serverSecret");
    Objects.requireNonNull(chargeInterval, "chargeInterval");
    if (chargeInterval.isNegative() || chargeInterval.isZero()) {
      throw new IllegalArgumentException(
          ENV_CHARGE_INTERVAL + " must be a positive number of seconds, got " + chargeInterval);
    }
    Objects.requireNonNull(apiKeys, "apiKeys");
    Objects.requireNonNull(kafkaClient, "kafkaClient");
  }

  /** Without Kafka security settings (PLAINTEXT): local mode and tests. */
  public BillingConfig(
      String bootstrapServers,
      String applicationId,
      Path stateDir,
      Duration commitInterval,
      Duration grace,
      int replicationFactor,
      ServerSecret serverSecret,
      Duration chargeInterval,
      ApiKeys apiKeys) {
    this(
        bootstrapServers,
        applicationId,
        stateDir,
        commitInterval,
        grace,
        replicationFactor,
        serverSecret,
        chargeInterval,
        ApiKeysConfig.fixed(apiKeys),
        KafkaClientProperties.none());
  }

  /** Without charge settings: charges every {@link #DEFAULT_CHARGE_INTERVAL}, no API keys. */
  public BillingConfig(
      String bootstrapServers,
      String applicationId,
      Path stateDir,
      Duration commitInterval,
      Duration grace,
      int replicationFactor,
      ServerSecret serverSecret) {
    this(
        bootstrapServers,
        applicationId,
        stateDir,
        commitInterval,
        grace,
        replicationFactor,
        serverSecret,
        DEFAULT_CHARGE_INTERVAL,
        ApiKeys.parse(null));
  }

  /** This config with overage charged every {@code interval}. */
  public BillingConfig withChargeInterval(Duration interval) {
    return new BillingConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        commitInterval,
        grace,
        replicationFactor,
        serverSecret,
        interval,
        apiKeys,
        kafkaClient);
  }

  /** This config with the tenants' Stripe names from {@code keys}. */
  public BillingConfig withApiKeys(ApiKeysConfig keys) {
    return new BillingConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        commitInterval,
        grace,
        replicationFactor,
        serverSecret,
        chargeInterval,
        keys,
        kafkaClient);
  }

  /** This config with the given Kafka client security settings. */
  public BillingConfig withKafkaClient(KafkaClientProperties client) {
    return new BillingConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        commitInterval,
        grace,
        replicationFactor,
        serverSecret,
        chargeInterval,
        apiKeys,
        client);
  }

  /** Local defaults against the given brokers: replication factor 1, state under the temp dir. */
  public static BillingConfig defaults(String bootstrapServers, ServerSecret serverSecret) {
    return new BillingConfig(
        bootstrapServers,
        DEFAULT_APPLICATION_ID,
        defaultStateDir(),
        DEFAULT_COMMIT_INTERVAL,
        BillingTopology.DEFAULT_GRACE,
        1,
        serverSecret);
  }

  // Records print every component; keep the secret's type visible and its bytes out.
  @Override
  public String toString() {
    return "BillingConfig[bootstrapServers="
        + bootstrapServers
        + ", applicationId="
        + applicationId
        + ", stateDir="
        + stateDir
        + ", commitInterval="
        + commitInterval
        + ", grace="
        + grace
        + ", replicationFactor="
        + replicationFactor
        + ", serverSecret="
        + serverSecret
        + ", chargeInterval="
        + chargeInterval
        + ", apiKeys="
        + apiKeys
        + ", kafkaClient="
        + kafkaClient
        + "]";
  }

  /**
   * Reads {@code SP_KAFKA_BOOTSTRAP} (default {@value #DEFAULT_BOOTSTRAP_SERVERS}), {@code
   * SP_STATE_DIR} (default {@code java.io.tmpdir/signet-state}) and {@code SP_REPLICATION_FACTOR}
   * (default 1; the deprecated {@code SP_KAFKA_REPLICATION_FACTOR} is still read), {@code
   * SP_BILLING_GRACE} (whole seconds, 0 to 7 days, default {@link BillingTopology#DEFAULT_GRACE}),
   * and the server secret: {@code SP_SERVER_SECRET}, or derived from {@code SP_PRIVATE_KEY_B64} as
   * the processor derives it; with neither, billing refuses to start. {@code
   * SP_BILLING_CHARGE_INTERVAL}: whole seconds between overage charges, default 60, must be
   * positive. {@code SP_API_KEYS} (or the file {@code SP_API_KEYS_FILE}, read at start only): the
   * tenants' Stripe names (no Stripe names when unset).
   */
  public static BillingConfig fromEnvironment(Map<String, String> env) {
    return fromEnvironment(Env.of(env));
  }

  /** As {@link #fromEnvironment(Map)}, through the one environment reader. */
  public static BillingConfig fromEnvironment(Env env) {
    BillingConfig defaults =
        defaults(env.string(ENV_BOOTSTRAP, DEFAULT_BOOTSTRAP_SERVERS), serverSecret(env));
    return new BillingConfig(
        defaults.bootstrapServers(),
        defaults.applicationId(),
        env.path(ENV_STATE_DIR, defaults.stateDir()),
        defaults.commitInterval(),
        graceOf(env),
        env.integer(ENV_REPLICATION_FACTOR, defaults.replicationFactor()),
        defaults.serverSecret(),
        chargeIntervalOf(env),
        ApiKeysConfig.fromEnvironment(env),
        KafkaClientProperties.fromEnvironment(env));
  }

  /** {@code SP_BILLING_CHARGE_INTERVAL}: whole seconds, default 60. */
  public static Duration chargeIntervalOf(Env env) {
    return env.duration(ENV_CHARGE_INTERVAL, ChronoUnit.SECONDS, DEFAULT_CHARGE_INTERVAL);
  }

  /** {@code SP_BILLING_GRACE}: whole seconds, 0 to 7 days, default 10 minutes. */
  public static Duration graceOf(Env env) {
    Duration grace = env.duration(ENV_GRACE, ChronoUnit.SECONDS, BillingTopology.DEFAULT_GRACE);
    if (grace.compareTo(MAX_GRACE) > 0) {
      throw new IllegalArgumentException(
          ENV_GRACE
              + " must be at most "
              + MAX_GRACE.toSeconds()
              + " seconds (7 days), got "
              + grace.toSeconds()
              + ": each task keeps a grace's worth of open hours per tenant, and finance waits that"
              + " long for a final hour");
    }
    return grace;
  }

  private static ServerSecret serverSecret(Env env) {
    String secret = env.optional(ServerSecret.ENV);
    if (secret != null) {
      return ServerSecret.parse(secret);
    }
    String seed = env.optional(ENV_PRIVATE_KEY);
    if (seed == null) {
      throw new IllegalArgumentException(
          ServerSecret.ENV
              + " is not set, and there is no "
              + ENV_PRIVATE_KEY
              + " to derive it from: billing needs the processor's server secret to tell genuine receipts from forged"
              + " ones");
    }
    // The kid does not enter the derivation; only the seed does.
    return ServerSecret.derivedFrom(KeyParser.parse("billing", seed));
  }

  /**
   * The reserved-capacity file of {@code SP_RESERVED_CONFIG}, or null when unset. Not a component
   * of this record: it is published once at start ({@link BillingService#publishReservedCapacity}),
   * while the topology reads reserved capacity from its topic.
   */
  public static Path reservedConfigFile(Env env) {
    return env.path(ReservedConfigPublisher.ENV, null);
  }

  /** The Kafka Streams configuration of this service. */
  public Properties streamsProperties() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
    // With 3 replicas, an acknowledged write survives the loss of one broker.
    props.put(
        StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
        Math.max(1, Math.min(2, replicationFactor - 1)));
    // A record that is not a receipt is logged and skipped; it never stops its partition.
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), PRODUCER_LINGER_MS);
    // Uncompressed, as the processor's: lz4 allocates a 64 KB block for every small batch.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
    // Security settings reach every client Streams creates (consumers, producers, admin).
    return kafkaClient.applyTo(props);
  }

  private static Path defaultStateDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "signet-state");
  }

  private static void requireText(String value, String name) {
    if (isBlank(value)) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
