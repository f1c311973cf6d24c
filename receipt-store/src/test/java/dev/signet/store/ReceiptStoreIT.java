package dev.signet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The sink and the queries against a real KRaft broker and a real PostgreSQL. The receipt topic
 * has one partition, so "a later record is stored" proves every earlier one was handled; each
 * test's sink starts at the end of the log, so its counters see only that test's records.
 */
class ReceiptStoreIT {

  private static final String TOPIC = Topics.RECEIPTS.name();
  private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
  private static final String PG_USER = "postgres";

  private static EmbeddedPostgres postgres;
  private static String jdbcUrl;
  private static HikariDataSource dataSource;
  private static ReceiptQueries queries;
  private static EmbeddedKafkaKraftBroker kafka;
  private static String bootstrap;
  private static Admin admin;
  private static KafkaProducer<String, byte[]> producer;

  private final List<ReceiptSink> sinks = new ArrayList<>();

  @BeforeAll
  static void startInfrastructure() throws IOException {
    Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
    postgres = EmbeddedPostgres.start();
    jdbcUrl = jdbcUrl(postgres.getPort());
    dataSource = Database.open(jdbcUrl, PG_USER, null);
    queries = new ReceiptQueries(dataSource);

    kafka = new EmbeddedKafkaKraftBroker(1, 1, TOPIC);
    // One broker: the transaction log cannot have the default three replicas.
    kafka.brokerProperty("transaction.state.log.replication.factor", "1");
    kafka.brokerProperty("transaction.state.log.min.isr", "1");
    kafka.afterPropertiesSet();
    // The test kit names its listener "localhost"; connect by address so the tests use 127.0.0.1 only.
    bootstrap = kafka.getBrokersAsString().replace("localhost", "127.0.0.1");
    admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "receipt-store-it"),
        Topics.RECEIPTS.keySerde().serializer(), new ByteArraySerializer());
    producer.initTransactions();
  }

  @AfterAll
  static void stopInfrastructure() throws IOException {
    producer.close();
    admin.close();
    kafka.destroy();
    dataSource.close();
    postgres.close();
  }

  @AfterEach
  void closeSinks() {
    sinks.forEach(ReceiptSink::close);
  }

  @Test
  void shouldStoreTransactionallyProducedReceiptsWithExactBodies() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    startSinkAtLogEnd(jdbcUrl, registry);
    String traceId = TestReceipts.newTraceId();
    List<Receipt> chain = TestReceipts.chain(traceId, "acme", 3);
    Receipt single = TestReceipts.chain(TestReceipts.newTraceId(), "acme", 1).get(0);
    // A valid receipt in another layout: the store must keep these bytes, not its own rendering.
    byte[] prettyBytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(single);

    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(chain.stream().map(ReceiptStoreIT::record).toList());
    records.add(new ProducerRecord<>(TOPIC, single.traceId(), prettyBytes));
    sendCommitted(records);

    await().until(() -> rowCount(jdbcUrl, traceId) == 3 && rowCount(jdbcUrl, single.traceId()) == 1);
    for (Receipt receipt : chain) {
      assertThat(row(receipt.traceId(), receipt.hop())).contains(new StoredRow(
          "acme", receipt.receiptHash(), receipt.prevReceiptHash(), Instant.parse(receipt.ts()),
          new String(TestReceipts.bytes(receipt), StandardCharsets.UTF_8)));
    }
    assertThat(row(single.traceId(), 1)).get().extracting(StoredRow::body)
        .isEqualTo(new String(prettyBytes, StandardCharsets.UTF_8));
    assertThat(ReceiptVerifier.hashesOnly().verifyChain(queries.chain("acme", traceId).orElseThrow()).valid()).isTrue();
    await().untilAsserted(() -> assertThat(count(registry, SinkMetrics.STORED)).isEqualTo(4));
  }

  @Test
  void shouldStoreDuplicateOnlyOnce() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    ReceiptSink sink = startSinkAtLogEnd(jdbcUrl, registry);
    Receipt receipt = TestReceipts.chain(TestReceipts.newTraceId(), "acme", 1).get(0);
    Receipt marker = marker();

    sendCommitted(List.of(record(receipt), record(receipt)));
    sendCommitted(List.of(record(receipt)));
    sendCommitted(List.of(record(marker)));

    await().until(() -> rowCount(jdbcUrl, marker.traceId()) == 1);
    assertThat(rowCount(jdbcUrl, receipt.traceId())).isEqualTo(1);
    assertThat(row(receipt.traceId(), 1)).get().extracting(StoredRow::receiptHash).isEqualTo(receipt.receiptHash());
    await().untilAsserted(() -> {
      assertThat(count(registry, SinkMetrics.DUPLICATES)).isEqualTo(2);
      assertThat(sink.storedCount()).isEqualTo(2);
    });
  }

  @Test
  void shouldRecordConflictingReceiptOnceAndKeepTheStoredOne() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    startSinkAtLogEnd(jdbcUrl, registry);
    String traceId = TestReceipts.newTraceId();
    Receipt original = TestReceipts.receipt(traceId, 1, "acme", null, "original");
    Receipt rival = TestReceipts.receipt(traceId, 1, "acme", null, "rival");
    Receipt marker = marker();

    sendCommitted(List.of(record(original)));
    await().until(() -> rowCount(jdbcUrl, traceId) == 1);
    sendCommitted(List.of(record(rival)));
    // The same conflicting record delivered again, as after a crash before the offset commit.
    sendCommitted(List.of(record(rival)));
    sendCommitted(List.of(record(marker)));

    await().until(() -> rowCount(jdbcUrl, marker.traceId()) == 1);
    assertThat(row(traceId, 1)).get().satisfies(row -> {
      assertThat(row.receiptHash()).isEqualTo(original.receiptHash());
      assertThat(row.body()).isEqualTo(new String(TestReceipts.bytes(original), StandardCharsets.UTF_8));
    });
    assertThat(conflicts(traceId)).containsExactly(new ConflictRow(
        1, original.receiptHash(), rival.receiptHash(), new String(TestReceipts.bytes(rival), StandardCharsets.UTF_8)));
    await().untilAsserted(() -> assertThat(count(registry, SinkMetrics.CONFLICTS)).isEqualTo(1));
  }

  @Test
  void shouldDetectConflictBetweenReceiptsOfTheSameTransaction() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    startSinkAtLogEnd(jdbcUrl, registry);
    String traceId = TestReceipts.newTraceId();
    Receipt first = TestReceipts.receipt(traceId, 1, "acme", null, "first");
    Receipt second = TestReceipts.receipt(traceId, 1, "acme", null, "second");
    Receipt marker = marker();

    sendCommitted(List.of(record(first), record(second), record(marker)));

    await().until(() -> rowCount(jdbcUrl, marker.traceId()) == 1);
    assertThat(row(traceId, 1)).get().extracting(StoredRow::receiptHash).isEqualTo(first.receiptHash());
    assertThat(conflicts(traceId)).extracting(ConflictRow::incomingHash).containsExactly(second.receiptHash());
    await().untilAsserted(() -> assertThat(count(registry, SinkMetrics.CONFLICTS)).isEqualTo(1));
  }

  @Test
  void shouldNeverStoreReceiptsFromAnAbortedTransaction() throws Exception {
    startSinkAtLogEnd(jdbcUrl, new SimpleMeterRegistry());
    String abortedTrace = TestReceipts.newTraceId();
    Receipt marker = marker();

    producer.beginTransaction();
    for (Receipt receipt : TestReceipts.chain(abortedTrace, "acme", 2)) {
      producer.send(record(receipt)).get();
    }
    producer.abortTransaction();
    sendCommitted(List.of(record(marker)));

    await().until(() -> rowCount(jdbcUrl, marker.traceId()) == 1);
    assertThat(rowCount(jdbcUrl, abortedTrace)).isZero();
    assertThat(queries.chain("acme", abortedTrace)).isEmpty();
  }

  @Test
  void shouldServeChainsScopedToTheirTenantAndOrderedByHop() throws Exception {
    startSinkAtLogEnd(jdbcUrl, new SimpleMeterRegistry());
    long before = queries.count();
    String traceId = TestReceipts.newTraceId();
    List<Receipt> chain = TestReceipts.chain(traceId, "acme", 3);
    Receipt other = TestReceipts.chain(TestReceipts.newTraceId(), "globex", 1).get(0);

    // Out of hop order on the topic: the chain must still come back ordered.
    sendCommitted(Stream.of(chain.get(2), chain.get(0), other, chain.get(1)).map(ReceiptStoreIT::record).toList());

    await().until(() -> rowCount(jdbcUrl, traceId) == 3 && rowCount(jdbcUrl, other.traceId()) == 1);
    assertThat(queries.chain("acme", traceId).orElseThrow())
        .containsExactlyElementsOf(chain.stream().map(r -> Json.parse(TestReceipts.bytes(r))).toList());
    assertThat(queries.chain("globex", traceId)).isEmpty();
    assertThat(queries.chain("acme", other.traceId())).isEmpty();
    assertThat(queries.chain("acme", "no-such-trace")).isEmpty();
    assertThat(queries.tenantOf(traceId)).contains("acme");
    assertThat(queries.tenantOf(other.traceId())).contains("globex");
    assertThat(queries.tenantOf("no-such-trace")).isEmpty();
    assertThat(queries.count()).isEqualTo(before + 4);
  }

  @Test
  void shouldResumeAfterRestartWithoutLosingOrDuplicatingReceipts() throws Exception {
    String group = "it-restart-" + UUID.randomUUID();
    positionAtLogEnd(group);
    ReceiptSink first = startSink(group, jdbcUrl, new SimpleMeterRegistry());
    String beforeTrace = TestReceipts.newTraceId();
    List<RecordMetadata> beforeRestart = sendCommitted(
        TestReceipts.chain(beforeTrace, "acme", 5).stream().map(ReceiptStoreIT::record).toList());
    await().until(() -> rowCount(jdbcUrl, beforeTrace) == 5);

    first.close();

    assertThat(committedOffset(group)).isGreaterThan(beforeRestart.get(4).offset());
    String whileDownTrace = TestReceipts.newTraceId();
    sendCommitted(TestReceipts.chain(whileDownTrace, "acme", 5).stream().map(ReceiptStoreIT::record).toList());
    MeterRegistry secondRegistry = new SimpleMeterRegistry();
    ReceiptSink second = startSink(group, jdbcUrl, secondRegistry);

    await().until(() -> rowCount(jdbcUrl, whileDownTrace) == 5);
    await().untilAsserted(() -> assertThat(second.storedCount()).isEqualTo(5));
    // Had the first sink's offsets not been committed, the second would have re-read its five.
    assertThat(count(secondRegistry, SinkMetrics.DUPLICATES)).isZero();
    assertThat(rowCount(jdbcUrl, beforeTrace)).isEqualTo(5);
  }

  @Test
  void shouldSkipRecordsThatAreNotReceiptsAndKeepConsuming() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    ReceiptSink sink = startSinkAtLogEnd(jdbcUrl, registry);
    Receipt genuine = TestReceipts.chain(TestReceipts.newTraceId(), "acme", 1).get(0);
    ObjectNode forged = (ObjectNode) Json.tree(genuine);
    forged.put("tenant", "mallory");
    Receipt after = marker();

    sendCommitted(List.of(
        new ProducerRecord<>(TOPIC, "k1", "not json".getBytes(StandardCharsets.UTF_8)),
        new ProducerRecord<>(TOPIC, "k2", null),
        new ProducerRecord<>(TOPIC, genuine.traceId(), Json.toBytes(forged)),
        record(after)));

    await().until(() -> rowCount(jdbcUrl, after.traceId()) == 1);
    assertThat(rowCount(jdbcUrl, genuine.traceId())).isZero();
    await().untilAsserted(() -> {
      assertThat(registry.counter(SinkMetrics.REJECTED, "reason", ReceiptReader.MALFORMED).count()).isEqualTo(2);
      assertThat(registry.counter(SinkMetrics.REJECTED, "reason", "receipt_hash_mismatch").count()).isEqualTo(1);
    });
    assertThat(sink.isRunning()).isTrue();
  }

  @Test
  void shouldHoldOffsetsWhileDatabaseIsDownAndStoreEverythingWhenItIsBack() throws Exception {
    Path dataDirectory = Files.createTempDirectory("receipt-store-it-pg");
    int port = freePort();
    String url = jdbcUrl(port);
    EmbeddedPostgres ownPostgres = startPostgres(dataDirectory, port);
    try {
      Database.open(url, PG_USER, null).close();
      MeterRegistry registry = new SimpleMeterRegistry();
      String group = "it-outage-" + UUID.randomUUID();
      positionAtLogEnd(group);
      startSink(group, url, registry);
      String beforeTrace = TestReceipts.newTraceId();
      sendCommitted(TestReceipts.chain(beforeTrace, "acme", 2).stream().map(ReceiptStoreIT::record).toList());
      await().until(() -> rowCount(url, beforeTrace) == 2);

      ownPostgres.close();
      String duringTrace = TestReceipts.newTraceId();
      List<RecordMetadata> during = sendCommitted(
          TestReceipts.chain(duringTrace, "acme", 3).stream().map(ReceiptStoreIT::record).toList());

      await().untilAsserted(() -> assertThat(count(registry, SinkMetrics.WRITE_FAILURES)).isGreaterThanOrEqualTo(2));
      assertThat(committedOffset(group)).isLessThanOrEqualTo(during.get(0).offset());

      ownPostgres = startPostgres(dataDirectory, port);
      await().until(() -> rowCount(url, duringTrace) == 3);
      assertThat(rowCount(url, beforeTrace)).isEqualTo(2);
      await().until(() -> committedOffset(group) > during.get(2).offset());
    } finally {
      ownPostgres.close();
      deleteRecursively(dataDirectory);
    }
  }

  // --- helpers ---

  private ReceiptSink startSinkAtLogEnd(String url, MeterRegistry registry) {
    String group = "it-" + UUID.randomUUID();
    positionAtLogEnd(group);
    return startSink(group, url, registry);
  }

  private ReceiptSink startSink(String group, String url, MeterRegistry registry) {
    ReceiptSink sink = new ReceiptSink(
        new ReceiptStoreConfig(bootstrap, group, url, PG_USER, null, ReceiptStoreConfig.DEFAULT_MAX_BATCH), registry);
    sinks.add(sink);
    sink.start();
    return sink;
  }

  /** Commits the log end for a new group, so its sink sees only what the test sends next. */
  private static void positionAtLogEnd(String group) {
    try {
      long end = admin.listOffsets(Map.of(PARTITION, OffsetSpec.latest())).partitionResult(PARTITION).get().offset();
      admin.alterConsumerGroupOffsets(group, Map.of(PARTITION, new OffsetAndMetadata(end))).all().get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("cannot position group " + group, e);
    }
  }

  private static long committedOffset(String group) throws InterruptedException, ExecutionException {
    OffsetAndMetadata committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(PARTITION);
    return committed == null ? -1 : committed.offset();
  }

  private static List<RecordMetadata> sendCommitted(List<ProducerRecord<String, byte[]>> records) {
    producer.beginTransaction();
    List<Future<RecordMetadata>> sent = records.stream().map(producer::send).toList();
    producer.commitTransaction();
    return sent.stream().map(ReceiptStoreIT::get).toList();
  }

  private static RecordMetadata get(Future<RecordMetadata> future) {
    try {
      return future.get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("send failed", e);
    }
  }

  private static ProducerRecord<String, byte[]> record(Receipt receipt) {
    return new ProducerRecord<>(TOPIC, receipt.traceId(), TestReceipts.bytes(receipt));
  }

  /** A fresh receipt sent last: once it is stored, everything before it on the partition was handled. */
  private static Receipt marker() {
    return TestReceipts.chain(TestReceipts.newTraceId(), "marker", 1).get(0);
  }

  private static double count(MeterRegistry registry, String name) {
    Counter counter = registry.find(name).counter();
    return counter == null ? 0 : counter.count();
  }

  private record StoredRow(String tenant, String receiptHash, String prevReceiptHash, Instant ts, String body) {}

  private record ConflictRow(int hop, String existingHash, String incomingHash, String incomingBody) {}

  private static Optional<StoredRow> row(String traceId, int hop) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(
            "SELECT tenant, receipt_hash, prev_receipt_hash, ts, body FROM receipts WHERE trace_id = ? AND hop = ?")) {
      statement.setString(1, traceId);
      statement.setInt(2, hop);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next()
            ? Optional.of(new StoredRow(rows.getString(1), rows.getString(2), rows.getString(3),
                rows.getObject(4, OffsetDateTime.class).toInstant(), rows.getString(5)))
            : Optional.empty();
      }
    }
  }

  private static List<ConflictRow> conflicts(String traceId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(
            "SELECT hop, existing_hash, incoming_hash, incoming_body FROM receipt_conflicts WHERE trace_id = ? ORDER BY id")) {
      statement.setString(1, traceId);
      List<ConflictRow> conflicts = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          conflicts.add(new ConflictRow(rows.getInt(1), rows.getString(2), rows.getString(3), rows.getString(4)));
        }
      }
      return conflicts;
    }
  }

  /** Through a fresh connection, so it also works against a database that was restarted. */
  private static int rowCount(String url, String traceId) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, PG_USER, "");
        PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM receipts WHERE trace_id = ?")) {
      statement.setString(1, traceId);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private static String jdbcUrl(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  private static EmbeddedPostgres startPostgres(Path dataDirectory, int port) throws IOException {
    return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(port).start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
