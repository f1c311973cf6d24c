package dev.signet.store;

import dev.signet.core.config.Env;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.config.PostgresSettings;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.KeyParser;
import dev.signet.core.crypto.PublicKey;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the receipt store reads from and writes to, read from the environment through {@link Env}.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param groupId the consumer group; instances sharing it split the partitions between them
 * @param jdbcUrl a {@code jdbc:postgresql:} URL
 * @param jdbcUser database user, or null when the URL carries it
 * @param jdbcPassword database password, or null
 * @param maxBatch the most receipts read by one poll and written by one statement
 * @param serverSecret checks the processor's {@code x-signet-receipt-mac} on every record
 * @param jwks the public keys (active and retired) receipt signatures must verify against
 * @param verifySignatures whether each receipt's Ed25519 signature is checked (about 80 µs each);
 *     the MAC is checked whatever this says
 * @param kafkaClient security settings of the Kafka consumer ({@code SP_KAFKA_PROPERTIES}, {@code
 *     SP_KAFKA_*})
 */
public record ReceiptStoreConfig(
    String bootstrapServers,
    String groupId,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    int maxBatch,
    ServerSecret serverSecret,
    Jwks jwks,
    boolean verifySignatures,
    KafkaClientProperties kafkaClient) {

  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
  public static final String DEFAULT_JDBC_URL = PostgresSettings.DEFAULT_JDBC_URL;
  public static final String DEFAULT_GROUP_ID = "signet-receipt-store";

  /** Large enough to amortise a round trip, small enough to keep one statement's arrays ~1 MB. */
  public static final int DEFAULT_MAX_BATCH = 1000;

  static final String ENV_PUBLIC_JWKS = "SP_PUBLIC_JWKS";
  static final String ENV_RETIRED_JWKS = "SP_RETIRED_JWKS";
  static final String ENV_PRIVATE_KEY = "SP_PRIVATE_KEY_B64";
  static final String ENV_KID = "SP_KID";
  static final String ENV_VERIFY_SIGNATURES = "SP_STORE_VERIFY_SIGNATURES";
  static final String DEFAULT_KID = "signet-1";

  private static final int MAX_BATCH_LIMIT = 10_000;
  private static final String JDBC_PREFIX = "jdbc:postgresql:";

  public ReceiptStoreConfig {
    requireText(bootstrapServers, "bootstrapServers");
    requireText(groupId, "groupId");
    requireText(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith(JDBC_PREFIX)) {
      throw new IllegalArgumentException(
          "jdbcUrl must start with " + JDBC_PREFIX + ", got " + redact(jdbcUrl));
    }
    if (maxBatch < 1 || maxBatch > MAX_BATCH_LIMIT) {
      throw new IllegalArgumentException(
          "maxBatch must be within 1.." + MAX_BATCH_LIMIT + ", got " + maxBatch);
    }
    Objects.requireNonNull(serverSecret, "serverSecret");
    Objects.requireNonNull(jwks, "jwks");
    Objects.requireNonNull(kafkaClient, "kafkaClient");
    if (verifySignatures && jwks.keys().isEmpty()) {
      throw new IllegalArgumentException(
          "verifying signatures needs at least one public key: set "
              + ENV_PUBLIC_JWKS
              + " or "
              + ENV_PRIVATE_KEY
              + ", or set "
              + ENV_VERIFY_SIGNATURES
              + "=false");
    }
  }

  /** Without Kafka security settings (PLAINTEXT): local mode and tests. */
  public ReceiptStoreConfig(
      String bootstrapServers,
      String groupId,
      String jdbcUrl,
      String jdbcUser,
      String jdbcPassword,
      int maxBatch,
      ServerSecret serverSecret,
      Jwks jwks,
      boolean verifySignatures) {
    this(
        bootstrapServers,
        groupId,
        jdbcUrl,
        jdbcUser,
        jdbcPassword,
        maxBatch,
        serverSecret,
        jwks,
        verifySignatures,
        KafkaClientProperties.none());
  }

  /** The same store with other keys, e.g. in tests. */
  public ReceiptStoreConfig withKeys(ServerSecret secret, Jwks keys, boolean verify) {
    return new ReceiptStoreConfig(
        bootstrapServers,
        groupId,
        jdbcUrl,
        jdbcUser,
        jdbcPassword,
        maxBatch,
        secret,
        keys,
        verify,
        kafkaClient);
  }

  /** The same store with the given Kafka client security settings. */
  public ReceiptStoreConfig withKafkaClient(KafkaClientProperties client) {
    return new ReceiptStoreConfig(
        bootstrapServers,
        groupId,
        jdbcUrl,
        jdbcUser,
        jdbcPassword,
        maxBatch,
        serverSecret,
        jwks,
        verifySignatures,
        client);
  }

  /**
   * Reads {@code SP_KAFKA_BOOTSTRAP}, {@code SP_POSTGRES_URL}, {@code SP_POSTGRES_USER}, {@code
   * SP_POSTGRES_PASSWORD}, the keys ({@code SP_PUBLIC_JWKS} or {@code SP_PRIVATE_KEY_B64}/{@code
   * SP_KID}, plus {@code SP_RETIRED_JWKS}), {@code SP_SERVER_SECRET} and {@code
   * SP_STORE_VERIFY_SIGNATURES}.
   */
  public static ReceiptStoreConfig fromEnvironment() {
    return fromEnvironment(Env.system());
  }

  /**
   * As {@link #fromEnvironment()} over the given variables. {@code SP_POSTGRES_URL} may also be a
   * libpq-style {@code postgresql://user:password@host:port/db} URL, the form the Python original
   * used; explicit {@code SP_POSTGRES_USER}/{@code SP_POSTGRES_PASSWORD} win over its user info.
   */
  public static ReceiptStoreConfig fromEnvironment(Map<String, String> env) {
    return fromEnvironment(Env.of(env));
  }

  /** As {@link #fromEnvironment(Map)}, through the one environment reader. */
  public static ReceiptStoreConfig fromEnvironment(Env env) {
    PostgresSettings postgres = PostgresSettings.fromEnvironment(env);
    SigningKey signingKey = signingKey(env);
    return new ReceiptStoreConfig(
        env.string("SP_KAFKA_BOOTSTRAP", DEFAULT_BOOTSTRAP),
        DEFAULT_GROUP_ID,
        postgres.jdbcUrl(),
        postgres.user(),
        postgres.password(),
        DEFAULT_MAX_BATCH,
        serverSecret(env, signingKey),
        jwks(env, signingKey),
        env.bool(ENV_VERIFY_SIGNATURES, true),
        KafkaClientProperties.fromEnvironment(env));
  }

  /**
   * {@code SP_SERVER_SECRET}, else the secret derived from {@code SP_PRIVATE_KEY_B64} exactly as
   * the processor derives it, so that both agree on the receipt MAC key.
   */
  private static ServerSecret serverSecret(Env env, SigningKey signingKey) {
    String configured = env.optional(ServerSecret.ENV);
    if (configured == null) {
      if (signingKey == null) {
        throw new IllegalArgumentException(
            ServerSecret.ENV
                + " is not set, and there is no "
                + ENV_PRIVATE_KEY
                + " to derive it from: the receipt store needs the processor's server secret to check each record's "
                + "x-signet-receipt-mac");
      }
      return ServerSecret.derivedFrom(signingKey);
    }
    return ServerSecret.parse(configured);
  }

  /**
   * The active key ({@code SP_PUBLIC_JWKS}, else the public half of the signing key) and the
   * retired ones.
   */
  private static Jwks jwks(Env env, SigningKey signingKey) {
    List<PublicKey> keys = new ArrayList<>();
    String publicJwks = env.optional(ENV_PUBLIC_JWKS);
    if (publicJwks != null) {
      keys.addAll(parseJwks(publicJwks, ENV_PUBLIC_JWKS).keys());
    } else if (signingKey != null) {
      keys.add(signingKey.publicKey());
    }
    String retired = env.optional(ENV_RETIRED_JWKS);
    if (retired != null) {
      keys.addAll(parseJwks(retired, ENV_RETIRED_JWKS).keys());
    }
    return keys.isEmpty()
        ? new Jwks(List.of())
        : Jwks.of(keys.get(0), keys.subList(1, keys.size()));
  }

  private static Jwks parseJwks(String json, String variable) {
    try {
      return Jwks.parse(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          variable + " is not a JWKS document of Ed25519 keys: " + e.getMessage(), e);
    }
  }

  private static SigningKey signingKey(Env env) {
    String seed = env.optional(ENV_PRIVATE_KEY);
    if (seed == null) {
      return null;
    }
    return KeyParser.parse(env.string(ENV_KID, DEFAULT_KID), seed);
  }

  // Records print every component; the password must never reach a log line.
  @Override
  public String toString() {
    return "ReceiptStoreConfig[bootstrapServers="
        + bootstrapServers
        + ", groupId="
        + groupId
        + ", jdbcUrl="
        + redact(jdbcUrl)
        + ", jdbcUser="
        + jdbcUser
        + ", jdbcPassword="
        + (jdbcPassword == null ? null : "***")
        + ", maxBatch="
        + maxBatch
        + ", serverSecret="
        + serverSecret
        + ", keys="
        + jwks.keys().stream().map(PublicKey::kid).toList()
        + ", verifySignatures="
        + verifySignatures
        + ", kafkaClient="
        + kafkaClient
        + "]";
  }

  // JDBC URLs may carry password=...; keep it out of messages.
  private static String redact(String url) {
    return PostgresSettings.redact(url);
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
