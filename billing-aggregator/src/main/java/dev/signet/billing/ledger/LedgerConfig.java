package dev.signet.billing.ledger;

import dev.signet.billing.stripe.StripeConfig;
import dev.signet.core.config.Env;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.config.PostgresSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of billing's ledger worker, read from the environment through {@link Env}.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param groupId the worker's own consumer group, apart from the Streams application's
 * @param postgres where the finance tables and the push ledger live ({@code SP_POSTGRES_*})
 * @param stripe how to reach Stripe; empty when {@code SP_STRIPE_API_KEY} is unset, and then
 *     nothing is pushed (charges are still materialised, each with a {@code skipped} push record)
 * @param pollTimeout longest wait of one poll
 * @param maxBatch the most records handled (and written in one transaction) per poll
 * @param retryInitial first pause after a failed batch (database down); doubles up to {@code
 *     retryMax}
 * @param retryMax cap of the pause between retries of a failed batch
 * @param kafkaClient security settings of the worker's Kafka clients ({@code SP_KAFKA_PROPERTIES},
 *     {@code SP_KAFKA_*})
 */
public record LedgerConfig(
    String bootstrapServers,
    String groupId,
    PostgresSettings postgres,
    Optional<StripeConfig> stripe,
    Duration pollTimeout,
    int maxBatch,
    Duration retryInitial,
    Duration retryMax,
    KafkaClientProperties kafkaClient) {

  public static final String DEFAULT_GROUP_ID = "signet-billing-ledger";
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
  public static final int DEFAULT_MAX_BATCH = 500;
  public static final Duration DEFAULT_RETRY_INITIAL = Duration.ofMillis(200);
  public static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(10);

  static final String ENV_BOOTSTRAP = "SP_KAFKA_BOOTSTRAP";
  static final String ENV_MAX_BATCH = "SP_BILLING_LEDGER_MAX_BATCH";
  static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  public LedgerConfig {
    requireText(bootstrapServers, "bootstrapServers");
    requireText(groupId, "groupId");
    Objects.requireNonNull(postgres, "postgres");
    Objects.requireNonNull(stripe, "stripe");
    Objects.requireNonNull(kafkaClient, "kafkaClient");
    requirePositive(pollTimeout, "pollTimeout");
    requirePositive(retryInitial, "retryInitial");
    requirePositive(retryMax, "retryMax");
    if (retryMax.compareTo(retryInitial) < 0) {
      throw new IllegalArgumentException("retryMax must be at least retryInitial");
    }
    if (maxBatch < 1 || maxBatch > 10_000) {
      throw new IllegalArgumentException(
          ENV_MAX_BATCH + " must be within 1..10000, got " + maxBatch);
    }
  }

  /** Without Kafka security settings (PLAINTEXT): tests. */
  public LedgerConfig(
      String bootstrapServers,
      String groupId,
      PostgresSettings postgres,
      Optional<StripeConfig> stripe,
      Duration pollTimeout,
      int maxBatch,
      Duration retryInitial,
      Duration retryMax) {
    this(
        bootstrapServers,
        groupId,
        postgres,
        stripe,
        pollTimeout,
        maxBatch,
        retryInitial,
        retryMax,
        KafkaClientProperties.none());
  }

  /** Production defaults over the given brokers, database and Stripe settings, PLAINTEXT. */
  public static LedgerConfig defaults(
      String bootstrapServers, PostgresSettings postgres, Optional<StripeConfig> stripe) {
    return defaults(bootstrapServers, KafkaClientProperties.none(), postgres, stripe);
  }

  /** Production defaults over the given brokers, client security, database and Stripe settings. */
  public static LedgerConfig defaults(
      String bootstrapServers,
      KafkaClientProperties kafkaClient,
      PostgresSettings postgres,
      Optional<StripeConfig> stripe) {
    return new LedgerConfig(
        bootstrapServers,
        DEFAULT_GROUP_ID,
        postgres,
        stripe,
        DEFAULT_POLL_TIMEOUT,
        DEFAULT_MAX_BATCH,
        DEFAULT_RETRY_INITIAL,
        DEFAULT_RETRY_MAX,
        kafkaClient);
  }

  /**
   * Reads {@code SP_KAFKA_BOOTSTRAP}, {@code SP_POSTGRES_URL}/{@code _USER}/{@code _PASSWORD} (as
   * the receipt store does), {@code SP_STRIPE_API_KEY}/{@code SP_STRIPE_API_BASE} and {@code
   * SP_BILLING_LEDGER_MAX_BATCH} (default {@value #DEFAULT_MAX_BATCH}).
   */
  public static LedgerConfig fromEnvironment(Env env) {
    LedgerConfig defaults =
        defaults(
            env.string(ENV_BOOTSTRAP, DEFAULT_BOOTSTRAP),
            KafkaClientProperties.fromEnvironment(env),
            PostgresSettings.fromEnvironment(env),
            StripeConfig.fromEnvironment(env));
    return defaults.withMaxBatch(env.integer(ENV_MAX_BATCH, DEFAULT_MAX_BATCH, 1, 10_000));
  }

  /** Whether charges go to Stripe: only with an API key. */
  public boolean pushing() {
    return stripe.isPresent();
  }

  public LedgerConfig withMaxBatch(int batch) {
    return new LedgerConfig(
        bootstrapServers,
        groupId,
        postgres,
        stripe,
        pollTimeout,
        batch,
        retryInitial,
        retryMax,
        kafkaClient);
  }

  /** The same worker with other retry pauses (tests use milliseconds or minutes). */
  public LedgerConfig withRetries(Duration initial, Duration max) {
    return new LedgerConfig(
        bootstrapServers,
        groupId,
        postgres,
        stripe,
        pollTimeout,
        maxBatch,
        initial,
        max,
        kafkaClient);
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
