package dev.signet.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode's embedded Kafka and PostgreSQL keep everything across a restart over the same
 * directories and ports: after a clean close, and after the process holding them was killed.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class LocalInfrastructureIT {

  private static final Topic<String, byte[]> TOPIC = Topics.EXCHANGE_REQUESTS;
  private static final String KEY = "trace-restart-1";
  private static final String VALUE = "{\"payload_type\":\"it\"}";
  private static final String GROUP = "signet-local-it";

  @TempDir Path tmp;

  @Test
  void cleanRestartKeepsTopicsRecordsOffsetsAndRows() throws Exception {
    Path kafkaDir = tmp.resolve("kafka");
    Path pgDir = tmp.resolve("postgres");
    int kafkaPort = freePort();
    int controllerPort = freePort();
    int pgPort = freePort();

    String clusterId;
    LocalKafka kafka =
        timed(
            "Kafka first start (format)",
            () -> new LocalKafka(kafkaDir, kafkaPort, controllerPort));
    try {
      clusterId = kafka.clusterId();
      LocalPostgres pg =
          timed("PostgreSQL first start (initdb)", () -> new LocalPostgres(pgDir, pgPort));
      try {
        Set<String> created =
            timed("create topics", () -> new LocalTopics(kafka.bootstrapServers()).createMissing());
        assertThat(created).containsExactlyInAnyOrderElementsOf(allTopicNames());

        produceTransactionally(kafka.bootstrapServers(), "it-tx-clean");
        assertThat(consumeWithGroupAndCommit(kafka.bootstrapServers())).containsExactly(VALUE);

        writeRow(pg, "before-restart");
        assertDurable(pg);
      } finally {
        timedRun("PostgreSQL close", pg::close);
      }
    } finally {
      timedRun("Kafka close", kafka::close);
    }

    try (LocalKafka restarted =
            timed("Kafka restart", () -> new LocalKafka(kafkaDir, kafkaPort, controllerPort));
        LocalPostgres pg = timed("PostgreSQL restart", () -> new LocalPostgres(pgDir, pgPort))) {
      assertThat(restarted.clusterId()).isEqualTo(clusterId);
      assertKafkaKeptEverything(restarted.bootstrapServers(), true);
      assertThat(readRows(pg)).containsExactly("before-restart");
      assertDurable(pg);
    }
  }

  @Test
  void killedProcessLosesNothing() throws Exception {
    Path kafkaDir = tmp.resolve("kafka");
    Path pgDir = tmp.resolve("postgres");
    Path childLog = tmp.resolve("child.log");
    int kafkaPort = freePort();
    int controllerPort = freePort();
    int pgPort = freePort();

    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                KilledProcess.class.getName(),
                kafkaDir.toString(),
                pgDir.toString(),
                Integer.toString(kafkaPort),
                Integer.toString(controllerPort),
                Integer.toString(pgPort))
            .redirectErrorStream(true)
            .redirectOutput(childLog.toFile())
            .start();
    try {
      await("child process ready")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                String out = Files.readString(childLog);
                if (!child.isAlive()) {
                  throw new AssertionError("child exited with " + child.exitValue() + ":\n" + out);
                }
                return out.contains(KilledProcess.READY);
              });
      // SIGKILL: no shutdown hooks, no controlled shutdown; the postmaster is left orphaned.
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

      try (LocalKafka kafka =
              timed(
                  "Kafka restart after kill",
                  () -> new LocalKafka(kafkaDir, kafkaPort, controllerPort));
          LocalPostgres pg =
              timed(
                  "PostgreSQL restart after kill (stops orphan)",
                  () -> new LocalPostgres(pgDir, pgPort))) {
        assertKafkaKeptEverything(kafka.bootstrapServers(), false);
        assertThat(readRows(pg)).containsExactly("before-kill");
        assertDurable(pg);
      }
    } finally {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
      // Whatever happened, do not leave the orphan behind.
      LocalPostgres.stopOrphanedPostmaster(pgDir.toAbsolutePath().normalize());
    }
  }

  /** What the killed local process does before it is killed: everything a restart must find. */
  static final class KilledProcess {
    static final String READY = "SIGNET-LOCAL-IT-READY";

    public static void main(String[] args) throws Exception {
      Path kafkaDir = Path.of(args[0]);
      Path pgDir = Path.of(args[1]);
      int kafkaPort = Integer.parseInt(args[2]);
      int controllerPort = Integer.parseInt(args[3]);
      int pgPort = Integer.parseInt(args[4]);
      // Deliberately never closed: the test kills this JVM.
      @SuppressWarnings("resource")
      LocalKafka kafka = new LocalKafka(kafkaDir, kafkaPort, controllerPort);
      @SuppressWarnings("resource")
      LocalPostgres pg = new LocalPostgres(pgDir, pgPort);
      new LocalTopics(kafka.bootstrapServers()).createMissing();
      produceTransactionally(kafka.bootstrapServers(), "it-tx-killed");
      consumeWithGroupAndCommit(kafka.bootstrapServers());
      writeRow(pg, "before-kill");
      System.out.println(READY);
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  private static void assertKafkaKeptEverything(String bootstrap, boolean checkIdempotentCreate)
      throws Exception {
    if (checkIdempotentCreate) {
      assertThat(new LocalTopics(bootstrap).createMissing()).isEmpty();
    }
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).containsAll(allTopicNames());
      assertThat(
              admin
                  .describeTopics(List.of(TOPIC.name()))
                  .allTopicNames()
                  .get(10, TimeUnit.SECONDS)
                  .get(TOPIC.name())
                  .partitions())
          .hasSize(LocalTopics.DEFAULT_PARTITIONS);
      for (Topic<?, ?> topic : Topics.all()) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
        Config config =
            admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
        assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
            .as("cleanup.policy of %s", topic.name())
            .isEqualTo(
                topic.compacted()
                    ? TopicConfig.CLEANUP_POLICY_COMPACT
                    : TopicConfig.CLEANUP_POLICY_DELETE);
      }
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(GROUP)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
          .as("committed offsets of %s", GROUP)
          .isEqualTo(2); // the record and its transaction marker
    }
    assertThat(readAllCommitted(bootstrap)).containsExactly(VALUE);
  }

  private static void produceTransactionally(String bootstrap, String transactionalId) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            transactionalId,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(
          new ProducerRecord<>(TOPIC.name(), KEY, VALUE.getBytes(StandardCharsets.UTF_8)));
      producer.commitTransaction();
    }
  }

  /** Reads the topic as group {@value #GROUP} (read_committed) and commits its offsets. */
  private static List<String> consumeWithGroupAndCommit(String bootstrap) {
    Map<String, Object> config = consumerConfig(bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of(TOPIC.name()));
      await("group consumer reads the record")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                  values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
                return !values.isEmpty();
              });
      consumer.commitSync(Duration.ofSeconds(10));
    }
    return values;
  }

  /** Reads every partition from the beginning, without a group, up to the end offsets. */
  private static List<String> readAllCommitted(String bootstrap) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(bootstrap))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(TOPIC.name(), Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      await("read to the end offsets")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                  values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
              });
    }
    return values;
  }

  private static Map<String, Object> consumerConfig(String bootstrap) {
    Map<String, Object> config = new java.util.HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }

  private static void writeRow(LocalPostgres pg, String value) throws SQLException {
    try (Connection c = connect(pg);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS it_rows (v text PRIMARY KEY)");
      s.execute("INSERT INTO it_rows (v) VALUES ('" + value + "')");
    }
  }

  private static List<String> readRows(LocalPostgres pg) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = connect(pg);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM it_rows ORDER BY v")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }

  private static void assertDurable(LocalPostgres pg) throws SQLException {
    assertThat(pg.jdbcUrl())
        .startsWith("jdbc:postgresql://127.0.0.1:")
        .endsWith("/" + LocalPostgres.DATABASE);
    try (Connection c = connect(pg)) {
      assertThat(show(c, "fsync")).isEqualTo("on");
      assertThat(show(c, "synchronous_commit")).isEqualTo("on");
      assertThat(show(c, "full_page_writes")).isEqualTo("on");
      assertThat(show(c, "listen_addresses")).isEqualTo("127.0.0.1");
      assertThat(show(c, "shared_buffers")).isEqualTo(LocalPostgres.SHARED_BUFFERS);
      assertThat(show(c, "max_connections"))
          .isEqualTo(Integer.toString(LocalPostgres.MAX_CONNECTIONS));
    }
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + setting)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  private static Connection connect(LocalPostgres pg) throws SQLException {
    return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
  }

  private static List<String> allTopicNames() {
    return Topics.all().stream().map(Topic::name).collect(Collectors.toList());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static <T> T timed(String what, Supplier<T> action) {
    long started = System.nanoTime();
    T result = action.get();
    System.out.printf("[timing] %s: %d ms%n", what, (System.nanoTime() - started) / 1_000_000);
    return result;
  }

  private static void timedRun(String what, Runnable action) {
    timed(
        what,
        () -> {
          action.run();
          return null;
        });
  }
}
