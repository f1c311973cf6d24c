package dev.signet.core.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The security and connection settings every Signet Kafka client gets (producers, consumers, admin
 * clients, Kafka Streams): TLS, mTLS, SASL. Read once, from {@code SP_KAFKA_PROPERTIES} (a Java
 * properties file of Kafka client settings) and the shortcuts {@code SP_KAFKA_SECURITY_PROTOCOL},
 * {@code SP_KAFKA_SASL_MECHANISM}, {@code SP_KAFKA_SASL_USERNAME} and {@code
 * SP_KAFKA_SASL_PASSWORD}, which win over the file.
 *
 * <p>Only security and connection keys are accepted (see {@link #isAllowed}): everything else a
 * service sets on its clients (isolation level, idempotence, transactional ids, the processing
 * guarantee, group ids) is what Signet's exactly-once and reply guarantees rest on, so a file that
 * tries to change one is refused at start with the keys named. {@code bootstrap.servers} is {@code
 * SP_KAFKA_BOOTSTRAP}'s.
 *
 * <p>{@link #toString()} masks every secret (JAAS lines, passwords, PEM keys).
 *
 * @param settings Kafka client configuration keys to values, all allowed ones
 */
public record KafkaClientProperties(Map<String, String> settings) {

  public static final String ENV_FILE = "SP_KAFKA_PROPERTIES";
  public static final String ENV_SECURITY_PROTOCOL = "SP_KAFKA_SECURITY_PROTOCOL";
  public static final String ENV_SASL_MECHANISM = "SP_KAFKA_SASL_MECHANISM";
  public static final String ENV_SASL_USERNAME = "SP_KAFKA_SASL_USERNAME";
  public static final String ENV_SASL_PASSWORD = "SP_KAFKA_SASL_PASSWORD";

  static final String SECURITY_PROTOCOL = "security.protocol";
  static final String SASL_MECHANISM = "sasl.mechanism";
  static final String SASL_JAAS_CONFIG = "sasl.jaas.config";

  private static final Set<String> ALLOWED_PREFIXES = Set.of("sasl.", "ssl.");

  // Connection tuning that changes how a client reaches the brokers, never what it promises.
  private static final Set<String> ALLOWED_KEYS =
      Set.of(
          SECURITY_PROTOCOL,
          "security.providers",
          "client.dns.lookup",
          "connections.max.idle.ms",
          "reconnect.backoff.ms",
          "reconnect.backoff.max.ms",
          "socket.connection.setup.timeout.ms",
          "socket.connection.setup.timeout.max.ms",
          "receive.buffer.bytes",
          "send.buffer.bytes");

  private static final Set<String> PROTOCOLS =
      Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

  private static final Map<String, String> LOGIN_MODULES =
      Map.of(
          "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule",
          "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
          "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

  private static final List<String> SECRET_MARKERS =
      List.of("jaas", "password", "secret", "ssl.keystore.key", "token");

  public KafkaClientProperties {
    settings = Map.copyOf(Objects.requireNonNull(settings, "settings"));
    List<String> refused = settings.keySet().stream().filter(k -> !isAllowed(k)).sorted().toList();
    if (!refused.isEmpty()) {
      throw new IllegalArgumentException(
          "Kafka client settings "
              + refused
              + " are refused: only security and connection settings (security.protocol, sasl.*,"
              + " ssl.*, client.dns.lookup, reconnect/connection timeouts) may be set through "
              + ENV_FILE
              + " or SP_KAFKA_*; bootstrap.servers is SP_KAFKA_BOOTSTRAP, and isolation level,"
              + " idempotence, transactional ids, group ids and the processing guarantee are fixed"
              + " by Signet because its exactly-once guarantees depend on them");
    }
    String protocol = settings.get(SECURITY_PROTOCOL);
    if (protocol != null && !PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException(
          "security.protocol must be one of "
              + new TreeSet<>(PROTOCOLS)
              + ", got '"
              + protocol
              + "'");
    }
  }

  /** No settings: PLAINTEXT, Kafka's defaults (local mode, tests). */
  public static KafkaClientProperties none() {
    return new KafkaClientProperties(Map.of());
  }

  /** The given settings, checked as the environment's are. */
  public static KafkaClientProperties of(Map<String, String> settings) {
    return new KafkaClientProperties(settings);
  }

  /**
   * Reads {@code SP_KAFKA_PROPERTIES} (a properties file; missing or unreadable is an error), then
   * applies the shortcuts over it. {@code SP_KAFKA_SASL_USERNAME} and {@code
   * SP_KAFKA_SASL_PASSWORD} go together and need a PLAIN or SCRAM mechanism: they become the {@code
   * sasl.jaas.config} line of that mechanism's login module.
   */
  public static KafkaClientProperties fromEnvironment(Env env) {
    Map<String, String> settings = new HashMap<>();
    Path file = env.path(ENV_FILE, null);
    if (file != null) {
      settings.putAll(read(file));
    }
    String protocol = env.optional(ENV_SECURITY_PROTOCOL);
    if (protocol != null) {
      settings.put(SECURITY_PROTOCOL, protocol.toUpperCase(Locale.ROOT));
    }
    String mechanism = env.optional(ENV_SASL_MECHANISM);
    if (mechanism != null) {
      settings.put(SASL_MECHANISM, mechanism.toUpperCase(Locale.ROOT));
    }
    String username = env.optional(ENV_SASL_USERNAME);
    String password = env.verbatim(ENV_SASL_PASSWORD);
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException(
          ENV_SASL_USERNAME + " and " + ENV_SASL_PASSWORD + " must be set together");
    }
    if (username != null) {
      settings.put(SASL_JAAS_CONFIG, jaasLine(settings.get(SASL_MECHANISM), username, password));
      if (!settings.getOrDefault(SECURITY_PROTOCOL, "").startsWith("SASL_")) {
        throw new IllegalArgumentException(
            ENV_SASL_USERNAME
                + " is set, so "
                + ENV_SECURITY_PROTOCOL
                + " must be SASL_SSL (or SASL_PLAINTEXT on a trusted network), got '"
                + settings.getOrDefault(SECURITY_PROTOCOL, "")
                + "'");
      }
    }
    return new KafkaClientProperties(settings);
  }

  /**
   * A client configuration: the service's own settings, the brokers and these settings. The keys
   * cannot collide with the service's (only allowed keys are here), so none of its settings is
   * overridden.
   */
  public Map<String, Object> clientConfig(String bootstrapServers, Map<String, Object> own) {
    Map<String, Object> config = new HashMap<>(own);
    config.put("bootstrap.servers", Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
    config.putAll(settings);
    return config;
  }

  /** Adds these settings to {@code props} (a Streams or client configuration) and returns it. */
  public Properties applyTo(Properties props) {
    props.putAll(settings);
    return props;
  }

  /** Whether {@code key} is a security or connection setting this may carry. */
  public static boolean isAllowed(String key) {
    return ALLOWED_KEYS.contains(key) || ALLOWED_PREFIXES.stream().anyMatch(key::startsWith);
  }

  @Override
  public String toString() {
    return "KafkaClientProperties"
        + new TreeMap<>(settings)
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? "****" : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
  }

  private static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_MARKERS.stream().anyMatch(lower::contains);
  }

  private static String jaasLine(String mechanism, String username, String password) {
    String module = mechanism == null ? null : LOGIN_MODULES.get(mechanism);
    if (module == null) {
      throw new IllegalArgumentException(
          ENV_SASL_USERNAME
              + " needs "
              + ENV_SASL_MECHANISM
              + " PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got '"
              + (mechanism == null ? "" : mechanism)
              + "'; other mechanisms take sasl.jaas.config in "
              + ENV_FILE);
    }
    return module
        + " required username=\""
        + quoted(username)
        + "\" password=\""
        + quoted(password)
        + "\";";
  }

  // The JAAS parser reads quoted values with backslash escapes.
  private static String quoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static Map<String, String> read(Path file) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(ENV_FILE + " (" + file + ") cannot be read", e);
    }
    Map<String, String> settings = new HashMap<>();
    props.stringPropertyNames().forEach(k -> settings.put(k.strip(), props.getProperty(k).strip()));
    return settings;
  }
}
