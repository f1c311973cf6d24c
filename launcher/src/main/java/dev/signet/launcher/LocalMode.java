package dev.signet.launcher;

import dev.signet.core.crypto.KeyParser;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.launcher.local.LocalKafka;
import dev.signet.launcher.local.LocalPostgres;
import dev.signet.launcher.local.LocalTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code ./signet up}: the whole pipeline in one JVM. An in-process KRaft broker and an embedded,
 * durable PostgreSQL keep their data under the data directory unless {@code SP_KAFKA_BOOTSTRAP}
 * / {@code SP_POSTGRES_URL} point at real ones; a dev key is generated once; a demo tenant
 * exists unless {@code SP_API_KEYS} is set.
 */
public final class LocalMode implements AutoCloseable {

  public static final String DEMO_API_KEYS =
      "{\"demo_key\":{\"tenant\":\"demo\",\"fallback_enabled\":false,\"scopes\":[\"exchange\",\"admin\"]}}";

  private final StartedServices running;
  private final Pipeline pipeline;
  private final SigningKey signingKey;
  private final String kafkaBootstrap;
  private final String jdbcUrl;

  private LocalMode(Map<String, String> env, StartedServices running) {
    this.running = running;
    Path dataDir = Path.of(env.getOrDefault("SP_DATA_DIR", ".signet")).toAbsolutePath();
    String kafka = env.get("SP_KAFKA_BOOTSTRAP");
    if (kafka == null || kafka.isBlank()) {
      LocalKafka broker = running.add(new LocalKafka(dataDir.resolve("kafka"),
          intEnv(env, "SP_LOCAL_KAFKA_PORT", 19092), intEnv(env, "SP_LOCAL_KAFKA_CONTROLLER_PORT", 19093)));
      kafka = broker.bootstrapServers();
    }
    this.kafkaBootstrap = kafka;
    new LocalTopics(kafka, intEnv(env, "SP_LOCAL_PARTITIONS", LocalTopics.DEFAULT_PARTITIONS)).createMissing();

    String jdbc = env.get("SP_POSTGRES_URL");
    String user = env.getOrDefault("SP_POSTGRES_USER", "postgres");
    String password = env.getOrDefault("SP_POSTGRES_PASSWORD", "postgres");
    if (jdbc == null || jdbc.isBlank()) {
      LocalPostgres postgres = running.add(new LocalPostgres(dataDir.resolve("postgres"), intEnv(env, "SP_LOCAL_POSTGRES_PORT", 15432)));
      jdbc = postgres.jdbcUrl();
      user = postgres.user();
      password = postgres.password();
    }
    this.jdbcUrl = jdbc;

    String configuredKey = env.get("SP_PRIVATE_KEY_B64");
    this.signingKey = configuredKey == null || configuredKey.isBlank()
        ? DevKey.loadOrCreate(dataDir.resolve("dev-signing-key"))
        : KeyParser.parse(env.getOrDefault("SP_KID", "signet-1"), configuredKey);
    String apiKeys = env.getOrDefault("SP_API_KEYS", "");
    this.pipeline = running.add(Pipeline.start(new PipelineSettings(
        kafka, jdbc, user, password, signingKey, env.get(ServerSecret.ENV), apiKeys.isBlank() ? DEMO_API_KEYS : apiKeys,
        env.get("SP_RETIRED_JWKS"), dataDir.resolve("streams"), intEnv(env, "PORT", 8088),
        Duration.ofMillis(intEnv(env, "SP_COMMIT_INTERVAL_MS", 20)), intEnv(env, "SP_STREAM_THREADS", 2))));
  }

  /** Starts everything; on failure, stops what had started and rethrows. */
  public static LocalMode start(Map<String, String> env) {
    StartedServices running = new StartedServices();
    try {
      return new LocalMode(env, running);
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

  /** The PostgreSQL the pipeline stores receipts in (embedded unless SP_POSTGRES_URL says otherwise). */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public SigningKey signingKey() {
    return signingKey;
  }

  String banner(boolean demoTenant) {
    String base = "http://127.0.0.1:" + pipeline.httpPort();
    return String.join("\n",
        "",
        "Signet is up: " + base,
        "  Kafka        " + kafkaBootstrap,
        "  PostgreSQL   " + jdbcUrl,
        "  signing key  kid " + signingKey.kid() + "  (JWKS " + base + "/.well-known/jwks.json)",
        demoTenant ? "  demo tenant  X-SIGNET-API-Key: demo_key  (tenant demo)" : "  tenants      from SP_API_KEYS",
        "  health       " + base + "/healthz    metrics " + base + "/metrics",
        "Press Ctrl-C to stop.",
        "");
  }

  @Override
  public void close() {
    running.close();
  }

  private static int intEnv(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
  }
}
