package dev.signet.launcher.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, single-node Kafka (KRaft, broker and controller in one server) for local mode.
 *
 * <p>The log directory is persistent: it is formatted on the first start only (the cluster id is
 * kept in its {@code meta.properties}), and every later start, including one after the process was
 * killed, reopens the same topics, offsets, transactions and changelogs. Both listeners bind to
 * 127.0.0.1 only. Each port must be fixed (not 0) because the controller quorum and the clients'
 * bootstrap address are stored and reused across restarts.
 *
 * <p>Kafka does not fsync each append (it relies on the OS page cache, as in production), so a
 * killed process loses nothing; an OS crash or power loss may lose the last seconds of writes
 * unless {@code log.flush.interval.messages} is lowered through the overrides.
 */
public final class LocalKafka implements AutoCloseable {

  public static final int DEFAULT_PORT = 9092;
  public static final int DEFAULT_CONTROLLER_PORT = 9093;
  public static final int DEFAULT_PARTITIONS = 4;

  static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String META_PROPERTIES = "meta.properties";

  private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);

  private final Path logDir;
  private final int port;
  private final String clusterId;
  private final KafkaRaftServer server;
  private boolean closed;

  /** Starts on {@link #DEFAULT_PORT} and {@link #DEFAULT_CONTROLLER_PORT}. */
  public LocalKafka(Path logDir) {
    this(logDir, DEFAULT_PORT, DEFAULT_CONTROLLER_PORT);
  }

  public LocalKafka(Path logDir, int port, int controllerPort) {
    this(logDir, port, controllerPort, Map.of());
  }

  /**
   * Formats {@code logDir} if it has never been formatted, then starts the server and returns once
   * the broker is unfenced and serving.
   *
   * @param overrides broker properties that replace the local defaults (e.g. {@code
   *     num.partitions})
   */
  public LocalKafka(Path logDir, int port, int controllerPort, Map<String, String> overrides) {
    Objects.requireNonNull(logDir, "logDir");
    Objects.requireNonNull(overrides, "overrides");
    checkPort(port, "port");
    checkPort(controllerPort, "controllerPort");
    if (port == controllerPort) {
      throw new IllegalArgumentException("port and controllerPort must differ: " + port);
    }
    this.logDir = logDir.toAbsolutePath().normalize();
    this.port = port;
    long started = System.nanoTime();
    try {
      Files.createDirectories(this.logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create Kafka log dir " + this.logDir, e);
    }
    KafkaConfig config =
        new KafkaConfig(brokerProperties(this.logDir, port, controllerPort, overrides), false);
    this.clusterId = formatIfNeeded(this.logDir);
    this.server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      // Returns when the broker has caught up with the metadata log and been unfenced.
      server.startup();
    } catch (RuntimeException e) {
      shutDownQuietly(server, e);
      throw e;
    }
    log.info(
        "Local Kafka (cluster {}) serving {} from {} after {} ms",
        clusterId,
        bootstrapServers(),
        this.logDir,
        (System.nanoTime() - started) / 1_000_000);
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  /** The id written to the log dir when it was formatted; the same on every restart. */
  public String clusterId() {
    return clusterId;
  }

  public Path logDir() {
    return logDir;
  }

  /** Shuts the broker and controller down (controlled shutdown) and waits until they stopped. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long started = System.nanoTime();
    server.shutdown();
    server.awaitShutdown();
    log.info("Local Kafka stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
  }

  static Map<String, String> brokerProperties(
      Path logDir, int port, int controllerPort, Map<String, String> overrides) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    // A static single-voter quorum: nothing about the voter set has to be stored at format time.
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", BROKER_LISTENER);
    p.put(
        "listeners",
        BROKER_LISTENER
            + "://"
            + HOST
            + ":"
            + port
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + port);
    p.put(
        "listener.security.protocol.map",
        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("metadata.log.dir", logDir.toString());

    p.put("num.partitions", Integer.toString(DEFAULT_PARTITIONS));
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", Integer.toString(DEFAULT_PARTITIONS));
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", Integer.toString(DEFAULT_PARTITIONS));
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    // After a kill, the restarted controller keeps the dead incarnation's session alive for
    // broker.session.timeout.ms (default 9 s) and rejects the new registration until then; a
    // short session makes a restart after a crash about as fast as one after a clean stop.
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("broker.session.timeout.ms", "3000");
    p.putAll(overrides);
    return p;
  }

  /** Formats the directory unless it holds a {@code meta.properties}; returns the cluster id. */
  private static String formatIfNeeded(Path logDir) {
    Path meta = logDir.resolve(META_PROPERTIES);
    if (!Files.exists(meta)) {
      String newClusterId = Uuid.randomUuid().toString();
      Formatter formatter =
          new Formatter()
              .setPrintStream(
                  new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
              .setNodeId(NODE_ID)
              .setClusterId(newClusterId)
              .setDirectories(List.of(logDir.toString()))
              .setMetadataLogDirectory(logDir.toString())
              .setControllerListenerName(CONTROLLER_LISTENER);
      try {
        formatter.run();
      } catch (Exception e) {
        throw new IllegalStateException("cannot format Kafka log dir " + logDir, e);
      }
      log.info("Formatted new Kafka log dir {} for cluster {}", logDir, newClusterId);
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + meta, e);
    }
    String id = props.getProperty("cluster.id");
    if (id == null || id.isBlank()) {
      throw new IllegalStateException(meta + " has no cluster.id");
    }
    return id;
  }

  private static void shutDownQuietly(KafkaRaftServer server, RuntimeException cause) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private static void checkPort(int port, String name) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + " must be a fixed port in 1..65535, got " + port);
    }
  }
}
