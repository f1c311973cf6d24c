package dev.signet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink through a Kafka outage longer than its commit timeout: it must neither die silently nor
 * lose the batch it stored while the broker was away, and must go on storing once the broker is
 * back.
 */
class ReceiptSinkOutageIT {

  private static final String TOPIC = Topics.RECEIPTS.name();
  private static final ReceiptSink.Tuning FAST =
      new ReceiptSink.Tuning(
          Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofSeconds(1), 5);

  @TempDir Path kafkaDir;

  @Test
  void shouldRideOutABrokerOutageLongerThanTheCommitTimeoutAndResume() throws Exception {
    try (RestartableBroker broker = new RestartableBroker(kafkaDir, freePort(), freePort());
        EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
      String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
      try (Admin admin =
          Admin.create(
              Map.<String, Object>of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
      }
      MeterRegistry registry = new SimpleMeterRegistry();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      ReceiptStoreConfig config =
          new ReceiptStoreConfig(
              broker.bootstrapServers(),
              "outage-" + UUID.randomUUID(),
              url,
              "postgres",
              null,
              ReceiptStoreConfig.DEFAULT_MAX_BATCH,
              TestReceipts.SECRET,
              TestReceipts.JWKS,
              true);
      try (ReceiptSink sink = new ReceiptSink(config, registry, null, failure::set, FAST)) {
        sink.start();
        Receipt before = receipt();
        send(broker, before);
        await().atMost(Duration.ofSeconds(30)).until(() -> rowCount(url, before) == 1);

        // Hold the batch in its database write while the broker goes away, so that the sink
        // stores it and then has to commit its offset with no broker to commit to.
        Receipt during = receipt();
        try (Connection lock = DriverManager.getConnection(url, "postgres", "")) {
          lock.setAutoCommit(false);
          try (Statement statement = lock.createStatement()) {
            statement.execute("LOCK TABLE receipts IN ACCESS EXCLUSIVE MODE");
          }
          send(broker, during);
          await().atMost(Duration.ofSeconds(20)).until(() -> sinkWaitsForLock(url));
          broker.stop();
          lock.rollback();
        }

        await()
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(() -> assertThat(retries(registry, "kafka")).isGreaterThanOrEqualTo(1));
        assertThat(rowCount(url, during)).isEqualTo(1);
        assertThat(gauge(registry, SinkMetrics.UP)).isZero();
        assertThat(sink.isRunning()).isTrue();

        broker.start();
        Receipt after = receipt();
        send(broker, after);

        await().atMost(Duration.ofSeconds(30)).until(() -> rowCount(url, after) == 1);
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  assertThat(gauge(registry, SinkMetrics.UP)).isEqualTo(1);
                  assertThat(sink.lag()).isZero();
                });
        assertThat(failure.get()).isNull();
        assertThat(sink.isRunning()).isTrue();
      }
    }
  }

  private static Receipt receipt() {
    return TestReceipts.chain(TestReceipts.newTraceId(), "acme", 1).get(0);
  }

  private static void send(RestartableBroker broker, Receipt receipt) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            Topics.RECEIPTS.keySerde().serializer(),
            new ByteArraySerializer())) {
      byte[] value = TestReceipts.bytes(receipt);
      ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, receipt.traceId(), value);
      SignetHeaders.put(record.headers(), SignetHeaders.RECEIPT_MAC, TestReceipts.mac(value));
      producer.send(record).get();
    }
  }

  private static boolean sinkWaitsForLock(String url) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name = 'signet-receipt-sink' AND wait_event_type = 'Lock'")) {
      rows.next();
      return rows.getInt(1) > 0;
    }
  }

  private static int rowCount(String url, Receipt receipt) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        PreparedStatement statement =
            connection.prepareStatement("SELECT count(*) FROM receipts WHERE trace_id = ?")) {
      statement.setString(1, receipt.traceId());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private static double retries(MeterRegistry registry, String cause) {
    Counter counter = registry.find(SinkMetrics.RETRIES).tag("cause", cause).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double gauge(MeterRegistry registry, String name) {
    return registry.get(name).gauge().value();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
