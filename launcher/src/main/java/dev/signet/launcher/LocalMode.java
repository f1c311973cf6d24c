package dev.signet.launcher;

import dev.signet.billing.BillingConfig;
import dev.signet.billing.stripe.StripeConfig;
import dev.signet.core.billing.reserved.ReservedConfigPublisher;
import dev.signet.core.config.Env;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.KeyParser;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.tenant.ApiKeysConfig;
import dev.signet.core.types.TypeRegistry;
import dev.signet.launcher.local.LocalKafka;
import dev.signet.launcher.local.LocalPostgres;
import dev.signet.launcher.local.LocalTopics;
import dev.signet.processor.ProcessorConfig;
import dev.signet.processor.egress.EgressSettings;
import dev.signet.processor.repair.ModelSettings;
import dev.signet.shell.StreamsTuning;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;

/**
 * {@code ./signet up}: the whole pipeline in one JVM. An in-process KRaft broker and an embedded,
 * durable PostgreSQL keep their data under the data directory unless {@code SP_KAFKA_BOOTSTRAP} /
 * {@code SP_POSTGRES_URL} point at real ones; a dev key is generated once; a demo tenant exists
 * unless {@code SP_API_KEYS} or {@code SP_API_KEYS_FILE} is set.
 */
public final class LocalMode implements AutoCloseable {

  // Every scope: ingress enforces them, and the demo key walks through the whole API.
  public static final String DEMO_API_KEYS =
      "{\"demo_key\":{\"tenant\":\"demo\",\"fallback_enabled\":false,"
          + "\"scopes\":[\"exchange\",\"receipts.read\",\"billing.read\",\"admin\"]}}";

  /**
   * RocksDB's share of local mode's 1 GiB (JVM + PostgreSQL) unless {@code SP_ROCKSDB_MEMORY_MB}
   * says otherwise: the processor and billing share it (README, Performance).
   */
  static final int LOCAL_ROCKSDB_MEMORY_MB = 32;

  private final StartedServices running;
  private final Pipeline pipeline;
  private final SigningKey signingKey;
  private final String kafkaBootstrap;
  private final KafkaClientProperties kafkaClient;
  private final String jdbcUrl;

  private LocalMode(Env env, StartedServices running) {
    this.running = running;
    Path dataDir = env.path("SP_DATA_DIR", Path.of(".signet")).toAbsolutePath();
    String kafka = env.optional("SP_KAFKA_BOOTSTRAP");
    KafkaClientProperties client = KafkaClientProperties.fromEnvironment(env);
    if (kafka == null && !client.settings().isEmpty()) {
      throw new IllegalArgumentException(
          "the in-process broker is PLAINTEXT on loopback: "
              + KafkaClientProperties.ENV_FILE
              + " and SP_KAFKA_SECURITY_PROTOCOL/SASL_* apply only to a broker given in"
              + " SP_KAFKA_BOOTSTRAP");
    }
    this.kafkaClient = client;
    if (kafka == null) {
      LocalKafka broker =
          running.add(
              new LocalKafka(
                  dataDir.resolve("kafka"),
                  env.integer("SP_LOCAL_KAFKA_PORT", 19092),
                  env.integer("SP_LOCAL_KAFKA_CONTROLLER_PORT", 19093)));
      kafka = broker.bootstrapServers();
    }
    this.kafkaBootstrap = kafka;
    new LocalTopics(
            kafka, client, env.integer("SP_LOCAL_PARTITIONS", LocalTopics.DEFAULT_PARTITIONS))
        .createMissing();

    String jdbc = env.optional("SP_POSTGRES_URL");
    String user = env.string("SP_POSTGRES_USER", "postgres");
    String password = Objects.requireNonNullElse(env.verbatim("SP_POSTGRES_PASSWORD"), "postgres");
    if (jdbc == null) {
      LocalPostgres postgres =
          running.add(
              new LocalPostgres(
                  dataDir.resolve("postgres"), env.integer("SP_LOCAL_POSTGRES_PORT", 15432)));
      jdbc = postgres.jdbcUrl();
      user = postgres.user();
      password = postgres.password();
    }
    this.jdbcUrl = jdbc;

    String configuredKey = env.optional("SP_PRIVATE_KEY_B64");
    this.signingKey =
        configuredKey == null
            ? DevKey.loadOrCreate(dataDir.resolve("dev-signing-key"))
            : KeyParser.parse(env.string("SP_KID", "signet-1"), configuredKey);
    // The services get everything through PipelineSettings: none of them reads the environment
    // here.
    this.pipeline =
        running.add(
            Pipeline.start(
                new PipelineSettings(
                    kafka,
                    client,
                    jdbc,
                    user,
                    password,
                    signingKey,
                    env.optional(ServerSecret.ENV),
                    Objects.requireNonNullElse(ApiKeys.configuredJson(env), DEMO_API_KEYS),
                    env.path(ApiKeys.ENV_FILE, null),
                    env.positiveDuration(
                        ApiKeysConfig.ENV_RELOAD_INTERVAL,
                        ChronoUnit.SECONDS,
                        ApiKeysConfig.DEFAULT_RELOAD_INTERVAL),
                    env.optional("SP_RETIRED_JWKS"),
                    dataDir.resolve("streams"),
                    env.integer("PORT", 8088),
                    env.duration(
                        "SP_COMMIT_INTERVAL_MS",
                        ChronoUnit.MILLIS,
                        ProcessorConfig.DEFAULT_COMMIT_INTERVAL),
                    env.integer("SP_STREAM_THREADS", 2),
                    env.path(ReservedConfigPublisher.ENV, null),
                    new PipelineSettings.BillingTuning(
                        BillingConfig.graceOf(env),
                        BillingConfig.chargeIntervalOf(env),
                        StripeConfig.fromEnvironment(env)),
                    env.path(TypeRegistry.ENV, null),
                    ModelSettings.fromEnvironment(env.asMap()),
                    EgressSettings.fromEnvironment(env.asMap()),
                    env.integer(StreamsTuning.ENV_ROCKSDB_MEMORY_MB, LOCAL_ROCKSDB_MEMORY_MB))));
  }

  /** Starts everything; on failure, stops what had started and rethrows. */
  public static LocalMode start(Map<String, String> env) {
    return start(Env.of(env));
  }

  /**
   * As {@link #start(Map)}, through the one environment reader; once everything is up, tells the
   * {@code signet} script so through the {@link ReadyFile}, whoever started local mode.
   */
  public static LocalMode start(Env env) {
    StartedServices running = new StartedServices();
    try {
      LocalMode local = new LocalMode(env, running);
      ReadyFile.markReady();
      return local;
    } catch (RuntimeException e) {
      running.close();
      throw e;
    }
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  /** The security settings of the broker's clients (none for the in-process broker). */
  public KafkaClientProperties kafkaClient() {
    return kafkaClient;
  }

  /**
   * The PostgreSQL the pipeline stores receipts in (embedded unless SP_POSTGRES_URL says
   * otherwise).
   */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public SigningKey signingKey() {
    return signingKey;
  }

  String banner(boolean demoTenant) {
    String base = "http://127.0.0.1:" + pipeline.httpPort();
    return String.join(
        "\n",
        "",
        "Signet is up: " + base,
        "  Kafka        " + kafkaBootstrap,
        "  PostgreSQL   " + jdbcUrl,
        "  signing key  kid " + signingKey.kid() + "  (JWKS " + base + "/.well-known/jwks.json)",
        demoTenant
            ? "  demo tenant  X-SIGNET-API-Key: demo_key  (tenant demo)"
            : "  tenants      from SP_API_KEYS or SP_API_KEYS_FILE",
        "  health       " + base + "/healthz    metrics " + base + "/metrics",
        "Press Ctrl-C to stop.",
        "");
  }

  @Override
  public void close() {
    running.close();
  }
}
