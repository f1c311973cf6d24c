package dev.signet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.topic.Topics;
import dev.signet.store.query.QueryPool;
import dev.signet.store.query.ReceiptQueries;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
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
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The sink and the queries against a real KRaft broker and a real PostgreSQL. The receipt topic has
 * one partition, so "a later record is stored" proves every earlier one was handled; each test's
 * sink starts at the end of the log, so its counters see only that test's records.
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
    Database.migrate(jdbcUrl, PG_USER, null);
    dataSource = QueryPool.open(jdbcUrl, PG_USER, null);
    queries = new ReceiptQueries(dataSource);

    kafka = new EmbeddedKafkaKraftBroker(1, 1, TOPIC);
    // One broker: the transaction log cannot have the default three replicas.
    kafka.brokerProperty("transaction.state.log.replication.factor", "1");
    kafka.brokerProperty("transaction.state.log.min.isr", "1");
    kafka.afterPropertiesSet();
    // The test kit names its listener "localhost"; connect by address so the tests use 127.0.0.1
    // only.
    bootstrap = kafka.getBrokersAsString().replace("localhost", "127.0.0.1");
    admin =
        Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "receipt-store-it"),
            Topics.RECEIPTS.keySerde().serializer(),
            new ByteArraySerializer());
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

    List<ProducerRecord<String, byte[]>> records =
        new ArrayList<>(chain.stream().map(ReceiptStoreIT::record).toList());
    records.add(withMac(new ProducerRecord<>(TOPIC, single.traceId(), prettyBytes)));
    sendCommitted(records);

    await()
        .until(() -> rowCount(jdbcUrl, traceId) == 3 && rowCount(jdbcUrl, single.traceId()) == 1);
    for (Receipt receipt : chain) {
      assertThat(row(receipt.traceId(), receipt.hop()))
          .contains(
              new StoredRow(
                  "acme",
                  receipt.receiptHash(),
                  receipt.prevReceiptHash(),
                  Instant.parse(receipt.ts()),
                  new String(TestReceipts.bytes(receipt), StandardCharsets.UTF_8)));
    }
    assertThat(row(single.traceId(), 1))
        .get()
        .extracting(StoredRow::body)
        .isEqualTo(new String(prettyBytes, StandardCharsets.UTF_8));
    assertThat(
            ReceiptVerifier.hashesOnly()
                .verifyChain(queries.chain("acme", traceId).orElseThrow())
                .valid())
        .isTrue();
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
    assertThat(row(receipt.traceId(), 1))
        .get()
        .extracting(StoredRow::receiptHash)
        .isEqualTo(receipt.receiptHash());
    await()
        .untilAsserted(
            () -> {
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
    assertThat(row(traceId, 1))
        .get()
        .satisfies(
            row -> {
              assertThat(row.receiptHash()).isEqualTo(original.receiptHash());
              assertThat(row.body())
                  .isEqualTo(new String(TestReceipts.bytes(original), StandardCharsets.UTF_8));
            });
    assertThat(conflicts(traceId))
        .containsExactly(
            new ConflictRow(
                1,
                original.receiptHash(),
                rival.receiptHash(),
                new String(TestReceipts.bytes(rival), StandardCharsets.UTF_8)));
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
    assertThat(row(traceId, 1))
        .get()
        .extracting(StoredRow::receiptHash)
        .isEqualTo(first.receiptHash());
    assertThat(conflicts(traceId))
        .extracting(ConflictRow::incomingHash)
        .containsExactly(second.receiptHash());
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
    sendCommitted(
        Stream.of(chain.get(2), chain.get(0), other, chain.get(1))
            .map(ReceiptStoreIT::record)
            .toList());

    await().until(() -> rowCount(jdbcUrl, traceId) == 3 && rowCount(jdbcUrl, other.traceId()) == 1);
    assertThat(queries.chain("acme", traceId).orElseThrow())
        .containsExactlyElementsOf(
            chain.stream().map(r -> Json.parse(TestReceipts.bytes(r))).toList());
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
    List<RecordMetadata> beforeRestart =
        sendCommitted(
            TestReceipts.chain(beforeTrace, "acme", 5).stream()
                .map(ReceiptStoreIT::record)
                .toList());
    await().until(() -> rowCount(jdbcUrl, beforeTrace) == 5);

    first.close();

    assertThat(committedOffset(group)).isGreaterThan(beforeRestart.get(4).offset());
    String whileDownTrace = TestReceipts.newTraceId();
    sendCommitted(
        TestReceipts.chain(whileDownTrace, "acme", 5).stream()
            .map(ReceiptStoreIT::record)
            .toList());
    MeterRegistry secondRegistry = new SimpleMeterRegistry();
    ReceiptSink second = startSink(group, jdbcUrl, secondRegistry);

    await().until(() -> rowCount(jdbcUrl, whileDownTrace) == 5);
    await().untilAsserted(() -> assertThat(second.storedCount()).isEqualTo(5));
    // Had the first sink's offsets not been committed, the second would have re-read its five.
    assertThat(count(secondRegistry, SinkMetrics.DUPLICATES)).isZero();
    assertThat(rowCount(jdbcUrl, beforeTrace)).isEqualTo(5);
  }

  @Test
  void shouldQuarantineRecordsThatAreNotReceiptsAndKeepConsuming() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    ReceiptSink sink = startSinkAtLogEnd(jdbcUrl, registry);
    Receipt genuine = TestReceipts.chain(TestReceipts.newTraceId(), "acme", 1).get(0);
    ObjectNode altered = (ObjectNode) Json.tree(genuine);
    altered.put("tenant", "mallory");
    Receipt after = marker();

    // Each with a valid MAC: what the processor itself might write by mistake, not a forgery.
    List<RecordMetadata> sent =
        sendCommitted(
            List.of(
                withMac(
                    new ProducerRecord<>(TOPIC, "k1", "not json".getBytes(StandardCharsets.UTF_8))),
                withMac(new ProducerRecord<>(TOPIC, genuine.traceId(), Json.toBytes(altered))),
                record(after)));

    await().until(() -> rowCount(jdbcUrl, after.traceId()) == 1);
    assertThat(rowCount(jdbcUrl, genuine.traceId())).isZero();
    assertThat(quarantined(sent.get(0).offset()))
        .contains(
            new QuarantineRow(
                "k1", null, null, "NOT_A_RECEIPT", "not json".getBytes(StandardCharsets.UTF_8)));
    assertThat(quarantined(sent.get(1).offset()))
        .get()
        .satisfies(row -> assertThat(row.reason()).isEqualTo("HASH_INVALID"))
        .satisfies(row -> assertThat(row.traceId()).isEqualTo(genuine.traceId()));
    await()
        .untilAsserted(
            () -> {
              assertThat(quarantinedCount(registry, QuarantineReason.NOT_A_RECEIPT)).isEqualTo(1);
              assertThat(quarantinedCount(registry, QuarantineReason.HASH_INVALID)).isEqualTo(1);
            });
    assertThat(sink.isRunning()).isTrue();
  }

  @Test
  void shouldQuarantineRecordsWithoutAValidMacAndStoreTheGenuineOne() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    startSinkAtLogEnd(jdbcUrl, registry);
    Receipt noMac = TestReceipts.chain(TestReceipts.newTraceId(), "acme", 1).get(0);
    Receipt forgedMac = TestReceipts.chain(TestReceipts.newTraceId(), "acme", 1).get(0);
    Receipt genuine = marker();
    ProducerRecord<String, byte[]> forged =
        new ProducerRecord<>(TOPIC, forgedMac.traceId(), TestReceipts.bytes(forgedMac));
    // A MAC of other bytes: what a replay of a real header onto a forged value gives.
    SignetHeaders.put(
        forged.headers(), SignetHeaders.RECEIPT_MAC, TestReceipts.mac(TestReceipts.bytes(noMac)));

    List<RecordMetadata> sent =
        sendCommitted(
            List.of(
                new ProducerRecord<>(TOPIC, noMac.traceId(), TestReceipts.bytes(noMac)),
                forged,
                record(genuine)));

    await().until(() -> rowCount(jdbcUrl, genuine.traceId()) == 1);
    assertThat(rowCount(jdbcUrl, noMac.traceId())).isZero();
    assertThat(rowCount(jdbcUrl, forgedMac.traceId())).isZero();
    assertThat(quarantined(sent.get(0).offset()))
        .contains(
            new QuarantineRow(
                noMac.traceId(), noMac.traceId(), 1, "MAC_MISSING", TestReceipts.bytes(noMac)));
    assertThat(quarantined(sent.get(1).offset()))
        .get()
        .extracting(QuarantineRow::reason)
        .isEqualTo("MAC_INVALID");
    await()
        .untilAsserted(
            () -> {
              assertThat(quarantinedCount(registry, QuarantineReason.MAC_MISSING)).isEqualTo(1);
              assertThat(quarantinedCount(registry, QuarantineReason.MAC_INVALID)).isEqualTo(1);
              assertThat(count(registry, SinkMetrics.STORED)).isEqualTo(1);
            });
  }

  @Test
  void shouldQuarantineUnsignedAndWronglySignedReceiptsEvenWithAValidMac() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    ReceiptSink sink = startSinkAtLogEnd(jdbcUrl, registry);
    Receipt unsigned = TestReceipts.unsigned(TestReceipts.newTraceId(), "acme");
    Receipt impostor =
        TestReceipts.receiptSignedBy(
            SigningKey.generate(TestReceipts.KEY.kid()), TestReceipts.newTraceId(), "acme");
    Receipt stranger =
        TestReceipts.receiptSignedBy(
            SigningKey.generate("stranger"), TestReceipts.newTraceId(), "acme");
    Receipt genuine = marker();

    List<RecordMetadata> sent =
        sendCommitted(
            List.of(record(unsigned), record(impostor), record(stranger), record(genuine)));

    await().until(() -> rowCount(jdbcUrl, genuine.traceId()) == 1);
    for (Receipt refused : List.of(unsigned, impostor, stranger)) {
      assertThat(rowCount(jdbcUrl, refused.traceId())).isZero();
    }
    assertThat(quarantined(sent.get(0).offset()))
        .get()
        .extracting(QuarantineRow::reason)
        .isEqualTo("SIGNATURE_MISSING");
    assertThat(quarantined(sent.get(1).offset()))
        .get()
        .extracting(QuarantineRow::reason)
        .isEqualTo("SIGNATURE_INVALID");
    assertThat(quarantined(sent.get(2).offset()))
        .get()
        .extracting(QuarantineRow::reason)
        .isEqualTo("UNKNOWN_KID");
    await()
        .untilAsserted(
            () -> {
              assertThat(quarantinedCount(registry, QuarantineReason.SIGNATURE_MISSING))
                  .isEqualTo(1);
              assertThat(quarantinedCount(registry, QuarantineReason.SIGNATURE_INVALID))
                  .isEqualTo(1);
              assertThat(quarantinedCount(registry, QuarantineReason.UNKNOWN_KID)).isEqualTo(1);
              assertThat(sink.storedCount()).isEqualTo(1);
            });
  }

  @Test
  void shouldQuarantineARedeliveredRecordOnlyOnce() throws Exception {
    String group = "it-requarantine-" + UUID.randomUUID();
    positionAtLogEnd(group);
    long start = committedOffset(group);
    ReceiptSink first = startSink(group, jdbcUrl, new SimpleMeterRegistry());
    Receipt forged = TestReceipts.chain(TestReceipts.newTraceId(), "acme", 1).get(0);
    List<RecordMetadata> sent =
        sendCommitted(
            List.of(
                new ProducerRecord<>(TOPIC, forged.traceId(), TestReceipts.bytes(forged)),
                record(marker())));
    await()
        .until(
            () ->
                quarantined(sent.get(0).offset()).isPresent()
                    && committedOffset(group) > sent.get(1).offset());
    first.close();

    // As after a crash before the offset commit: the same records are read again.
    admin
        .alterConsumerGroupOffsets(group, Map.of(PARTITION, new OffsetAndMetadata(start)))
        .all()
        .get();
    MeterRegistry registry = new SimpleMeterRegistry();
    startSink(group, jdbcUrl, registry);

    await().until(() -> committedOffset(group) > sent.get(1).offset());
    assertThat(quarantinedRows(sent.get(0).offset())).isEqualTo(1);
    assertThat(quarantinedCount(registry, QuarantineReason.MAC_MISSING)).isZero();
  }

  @Test
  void shouldStoreUnsignedReceiptsWhenSignatureChecksAreOff() throws Exception {
    String group = "it-nosig-" + UUID.randomUUID();
    positionAtLogEnd(group);
    ReceiptSink sink =
        new ReceiptSink(
            config(group, jdbcUrl).withKeys(TestReceipts.SECRET, TestReceipts.JWKS, false),
            new SimpleMeterRegistry());
    sinks.add(sink);
    sink.start();
    Receipt unsigned = TestReceipts.unsigned(TestReceipts.newTraceId(), "acme");

    sendCommitted(List.of(record(unsigned)));

    await().until(() -> rowCount(jdbcUrl, unsigned.traceId()) == 1);
  }

  @Test
  void shouldReportFailureWhenAnotherInstanceTakesItsStaticMembership() throws Exception {
    String group = "it-fenced-" + UUID.randomUUID();
    positionAtLogEnd(group);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ReceiptSink first =
        new ReceiptSink(config(group, jdbcUrl), new SimpleMeterRegistry(), "pod-0", failure::set);
    sinks.add(first);
    first.start();
    Receipt stored = marker();
    sendCommitted(List.of(record(stored)));
    await().until(() -> rowCount(jdbcUrl, stored.traceId()) == 1);

    // A second instance with the same SP_INSTANCE_ID: the first is fenced and cannot carry on.
    ReceiptSink second =
        new ReceiptSink(config(group, jdbcUrl), new SimpleMeterRegistry(), "pod-0");
    sinks.add(second);
    second.start();

    await()
        .untilAsserted(
            () -> assertThat(failure.get()).isInstanceOf(FencedInstanceIdException.class));
    assertThat(first.isRunning()).isFalse();
  }

  @Test
  void shouldHoldOffsetsWhileDatabaseIsDownAndStoreEverythingWhenItIsBack() throws Exception {
    Path dataDirectory = Files.createTempDirectory("receipt-store-it-pg");
    int port = freePort();
    String url = jdbcUrl(port);
    EmbeddedPostgres ownPostgres = startPostgres(dataDirectory, port);
    try {
      Database.migrate(url, PG_USER, null);
      MeterRegistry registry = new SimpleMeterRegistry();
      String group = "it-outage-" + UUID.randomUUID();
      positionAtLogEnd(group);
      startSink(group, url, registry);
      String beforeTrace = TestReceipts.newTraceId();
      sendCommitted(
          TestReceipts.chain(beforeTrace, "acme", 2).stream().map(ReceiptStoreIT::record).toList());
      await().until(() -> rowCount(url, beforeTrace) == 2);

      ownPostgres.close();
      String duringTrace = TestReceipts.newTraceId();
      List<RecordMetadata> during =
          sendCommitted(
              TestReceipts.chain(duringTrace, "acme", 3).stream()
                  .map(ReceiptStoreIT::record)
                  .toList());

      await()
          .untilAsserted(
              () ->
                  assertThat(count(registry, SinkMetrics.WRITE_FAILURES))
                      .isGreaterThanOrEqualTo(2));
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
    ReceiptSink sink = new ReceiptSink(config(group, url), registry);
    sinks.add(sink);
    sink.start();
    return sink;
  }

  private static ReceiptStoreConfig config(String group, String url) {
    return new ReceiptStoreConfig(
        bootstrap,
        group,
        url,
        PG_USER,
        null,
        ReceiptStoreConfig.DEFAULT_MAX_BATCH,
        TestReceipts.SECRET,
        TestReceipts.JWKS,
        true);
  }

  /** Commits the log end for a new group, so its sink sees only what the test sends next. */
  private static void positionAtLogEnd(String group) {
    try {
      long end =
          admin
              .listOffsets(Map.of(PARTITION, OffsetSpec.latest()))
              .partitionResult(PARTITION)
              .get()
              .offset();
      admin
          .alterConsumerGroupOffsets(group, Map.of(PARTITION, new OffsetAndMetadata(end)))
          .all()
          .get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("cannot position group " + group, e);
    }
  }

  private static long committedOffset(String group)
      throws InterruptedException, ExecutionException {
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

  /** The receipt as the processor writes it: with its MAC header. */
  private static ProducerRecord<String, byte[]> record(Receipt receipt) {
    return withMac(new ProducerRecord<>(TOPIC, receipt.traceId(), TestReceipts.bytes(receipt)));
  }

  private static ProducerRecord<String, byte[]> withMac(ProducerRecord<String, byte[]> record) {
    SignetHeaders.put(
        record.headers(), SignetHeaders.RECEIPT_MAC, TestReceipts.mac(record.value()));
    return record;
  }

  /**
   * A fresh receipt sent last: once it is stored, everything before it on the partition was
   * handled.
   */
  private static Receipt marker() {
    return TestReceipts.chain(TestReceipts.newTraceId(), "marker", 1).get(0);
  }

  private static double count(MeterRegistry registry, String name) {
    Counter counter = registry.find(name).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double quarantinedCount(MeterRegistry registry, QuarantineReason reason) {
    Counter counter = registry.find(SinkMetrics.QUARANTINED).tag("reason", reason.name()).counter();
    return counter == null ? 0 : counter.count();
  }

  private record QuarantineRow(
      String key, String traceId, Integer hop, String reason, byte[] rawValue) {
    @Override
    public boolean equals(Object other) {
      return other instanceof QuarantineRow that
          && Objects.equals(key, that.key)
          && Objects.equals(traceId, that.traceId)
          && Objects.equals(hop, that.hop)
          && reason.equals(that.reason)
          && Arrays.equals(rawValue, that.rawValue);
    }

    @Override
    public int hashCode() {
      return Objects.hash(key, traceId, hop, reason, Arrays.hashCode(rawValue));
    }

    @Override
    public String toString() {
      return "QuarantineRow["
          + key
          + ", "
          + traceId
          + ", "
          + hop
          + ", "
          + reason
          + ", "
          + (rawValue == null ? null : new String(rawValue, StandardCharsets.UTF_8))
          + "]";
    }
  }

  private static Optional<QuarantineRow> quarantined(long offset) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT record_key, trace_id, hop, reason, raw_value FROM receipt_quarantine"
                    + " WHERE topic = ? AND partition = 0 AND \"offset\" = ?")) {
      statement.setString(1, TOPIC);
      statement.setLong(2, offset);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next()
            ? Optional.of(
                new QuarantineRow(
                    rows.getString(1),
                    rows.getString(2),
                    rows.getObject(3, Integer.class),
                    rows.getString(4),
                    rows.getBytes(5)))
            : Optional.empty();
      }
    }
  }

  private static int quarantinedRows(long offset) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT count(*) FROM receipt_quarantine WHERE topic = ? AND partition = 0 AND \"offset\" = ?")) {
      statement.setString(1, TOPIC);
      statement.setLong(2, offset);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private record StoredRow(
      String tenant, String receiptHash, String prevReceiptHash, Instant ts, String body) {}

  private record ConflictRow(
      int hop, String existingHash, String incomingHash, String incomingBody) {}

  private static Optional<StoredRow> row(String traceId, int hop) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT tenant, receipt_hash, prev_receipt_hash, ts, body FROM receipts WHERE trace_id = ? AND hop = ?")) {
      statement.setString(1, traceId);
      statement.setInt(2, hop);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next()
            ? Optional.of(
                new StoredRow(
                    rows.getString(1),
                    rows.getString(2),
                    rows.getString(3),
                    rows.getObject(4, OffsetDateTime.class).toInstant(),
                    rows.getString(5)))
            : Optional.empty();
      }
    }
  }

  private static List<ConflictRow> conflicts(String traceId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT hop, existing_hash, incoming_hash, incoming_body FROM receipt_conflicts WHERE trace_id = ? ORDER BY id")) {
      statement.setString(1, traceId);
      List<ConflictRow> conflicts = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          conflicts.add(
              new ConflictRow(
                  rows.getInt(1), rows.getString(2), rows.getString(3), rows.getString(4)));
        }
      }
      return conflicts;
    }
  }

  /** Through a fresh connection, so it also works against a database that was restarted. */
  private static int rowCount(String url, String traceId) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, PG_USER, "");
        PreparedStatement statement =
            connection.prepareStatement("SELECT count(*) FROM receipts WHERE trace_id = ?")) {
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
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
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
