package dev.signet.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import dev.signet.shell.ConsumerLoop;
import dev.signet.shell.HealthCheck;
import dev.signet.shell.Service;
import dev.signet.shell.SinkHealth;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies every authentic receipt into PostgreSQL, the system of record.
 *
 * <p>In: {@code signet.receipts.v1}, read with {@code isolation.level=read_committed}, so a receipt
 * from an aborted transaction is never seen. Out: tables {@code receipts}, {@code
 * receipt_conflicts} and {@code receipt_quarantine}.
 *
 * <p>Authenticity: a record is stored only if it carries the processor's {@code
 * x-signet-receipt-mac} over its exact value bytes and, unless {@code SP_STORE_VERIFY_SIGNATURES}
 * is false, its Ed25519 signature verifies against the active or a retired key. Any other record
 * goes to {@code receipt_quarantine} with a reason code, {@code
 * signet_store_receipts_quarantined_total} and an ERROR log; it never stops the partition. Checks
 * run on the whole poll before its database transaction.
 *
 * <p>Guarantee: every committed, authentic receipt is stored exactly once. Each poll is written
 * (quarantine, then receipts) before its offsets are committed; a crash in between re-delivers the
 * batch, and both writes are idempotent. A <em>different</em> receipt for a stored {@code
 * (trace_id, hop)} never overwrites it: it goes to {@code receipt_conflicts}, {@code
 * signet_store_receipt_conflicts_total} and an ERROR log.
 *
 * <p>Failures: while the database cannot take a batch, the batch is retried with backoff and no
 * offset moves. A commit that fails or times out (broker down, coordinator moving) keeps its
 * offsets and retries them with the next commit; any retriable Kafka error is waited out with
 * backoff. Each retry counts in {@code signet_store_sink_retries_total} and drops {@code
 * signet_store_sink_up} to 0 until the sink is healthy again. A fenced static member (another
 * instance runs with the same {@code SP_INSTANCE_ID}), an {@link Error}, or any other error {@value
 * #DEFAULT_MAX_UNEXPECTED_FAILURES} times in a row stops the sink and is reported once to its
 * {@link FailureListener}: the standalone service then exits non-zero so that its supervisor
 * restarts it, instead of running on without storing receipts.
 *
 * <p>One thread owns the consumer; {@link #close()} wakes it and waits for it (see {@link
 * ConsumerLoop}).
 */
public final class ReceiptSink implements Service {

  /**
   * Told once, from the sink's thread after it stopped, that the sink died on an unrecoverable
   * error.
   */
  @FunctionalInterface
  public interface FailureListener {
    void onFailure(Throwable cause);
  }

  static final int DEFAULT_MAX_UNEXPECTED_FAILURES = 5;

  /**
   * Timings, fixed in production and shortened by tests.
   *
   * @param commitTimeout how long one offset commit may block before it counts as failed
   * @param retryInitial first pause after a failure; doubles up to {@code retryMax}
   * @param maxUnexpectedFailures unexpected errors in a row before the sink gives up
   */
  record Tuning(
      Duration commitTimeout, Duration retryInitial, Duration retryMax, int maxUnexpectedFailures) {
    // 100 ms doubling to 5 s: quick when a connection blips, and far below max.poll.interval.ms so
    // the group keeps us while we wait. A commit normally takes milliseconds; 15 s rides out a
    // coordinator move without blocking the loop for the client's default minute.
    static final Tuning DEFAULT =
        new Tuning(
            Duration.ofSeconds(15),
            Duration.ofMillis(100),
            Duration.ofSeconds(5),
            DEFAULT_MAX_UNEXPECTED_FAILURES);

    Tuning {
      Objects.requireNonNull(commitTimeout, "commitTimeout");
      if (maxUnexpectedFailures < 1) {
        throw new IllegalArgumentException("maxUnexpectedFailures must be at least 1");
      }
    }
  }

  private static final Logger log = LoggerFactory.getLogger(ReceiptSink.class);

  private static final Topic<String, Receipt> TOPIC = Topics.RECEIPTS;
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LAST_COMMIT_TIMEOUT = Duration.ofSeconds(5);

  private final ReceiptStoreConfig config;
  private final Tuning tuning;
  private final FailureListener failureListener;
  private final KafkaConsumer<String, byte[]> consumer;
  private final HikariDataSource dataSource;
  private final ReceiptReader reader;
  private final ReceiptWriter writer;
  private final QuarantineWriter quarantineWriter;
  private final SinkMetrics metrics;
  private final Backoff databaseBackoff;
  private final Backoff errorBackoff;
  private final AtomicLong stored = new AtomicLong();
  private final AtomicInteger up = new AtomicInteger();
  private final ConsumerLoop loop;

  /**
   * Offsets of batches already in the database but not yet committed to Kafka, because a commit
   * failed or was interrupted; retried with the next commit. Loop thread only.
   */
  private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();

  private int unexpectedFailuresInARow;

  public ReceiptSink(ReceiptStoreConfig config, MeterRegistry registry) {
    this(config, registry, null);
  }

  public ReceiptSink(ReceiptStoreConfig config, MeterRegistry registry, String groupInstanceId) {
    this(config, registry, groupInstanceId, cause -> {});
  }

  /**
   * @param groupInstanceId a stable id of this instance (e.g. a pod name), or null: a static group
   *     member gets its partitions back at once after a crash, not after the session timeout
   * @param failureListener told if the sink stops on an unrecoverable error (see the class doc)
   */
  public ReceiptSink(
      ReceiptStoreConfig config,
      MeterRegistry registry,
      String groupInstanceId,
      FailureListener failureListener) {
    this(config, registry, groupInstanceId, failureListener, Tuning.DEFAULT);
  }

  ReceiptSink(
      ReceiptStoreConfig config,
      MeterRegistry registry,
      String groupInstanceId,
      FailureListener failureListener,
      Tuning tuning) {
    this.config = config;
    this.tuning = tuning;
    this.failureListener = Objects.requireNonNull(failureListener, "failureListener");
    this.metrics = new SinkMetrics(registry, up);
    this.databaseBackoff = new Backoff(tuning.retryInitial(), tuning.retryMax());
    this.errorBackoff = new Backoff(tuning.retryInitial(), tuning.retryMax());
    this.reader =
        new ReceiptReader(
            new ReceiptMac(config.serverSecret()),
            config.verifySignatures()
                ? ReceiptVerifier.withKeys(config.jwks())
                : ReceiptVerifier.hashesOnly());
    this.dataSource = Database.writerPool(config);
    this.writer = new ReceiptWriter(dataSource);
    this.quarantineWriter = new QuarantineWriter(dataSource);
    // Values stay bytes: the stored body must be the receipt exactly as signed (see ReceiptReader),
    // and the MAC is over those bytes.
    Map<String, Object> consumerProperties = new HashMap<>(consumerProperties(config));
    if (groupInstanceId != null && !groupInstanceId.isBlank()) {
      consumerProperties.put(
          ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.groupId() + "-" + groupInstanceId);
    }
    this.consumer =
        new KafkaConsumer<>(
            consumerProperties, TOPIC.keySerde().deserializer(), new ByteArrayDeserializer());
    this.loop =
        new ConsumerLoop(
            "receipt sink", "signet-receipt-sink", CLOSE_TIMEOUT, consumer, new Loop());
  }

  static Map<String, Object> consumerProperties(ReceiptStoreConfig config) {
    return config
        .kafkaClient()
        .clientConfig(
            config.bootstrapServers(),
            Map.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                config.groupId(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // A new group must store the receipts written before it first started, not skip
                // them.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                config.maxBatch()));
  }

  /** Brings the schema up to date, then starts consuming on the sink's own thread. */
  @Override
  public ReceiptSink start() {
    loop.start();
    return this;
  }

  /** The loop starts within {@link #start()}, so this only says whether it still runs. */
  @Override
  public boolean awaitRunning(Duration timeout) {
    return isRunning();
  }

  /** {@code FAILED} when the sink stopped on an unrecoverable error (see the class doc). */
  @Override
  public Termination awaitTermination() throws InterruptedException {
    return loop.awaitTermination();
  }

  /** Ready and live while {@link #isRunning()}, with the consumer {@link #lag()} as a detail. */
  @Override
  public HealthCheck health() {
    return SinkHealth.of(this::isRunning).withDetail("lag", this::lag);
  }

  /** Receipts this instance newly stored (duplicates excluded); for progress checks. */
  public long storedCount() {
    return stored.get();
  }

  /**
   * False before {@link #start()}, after {@link #close()}, and once the sink stopped on an
   * unrecoverable error: a health signal. True while it retries a recoverable failure.
   */
  public boolean isRunning() {
    return loop.isRunning();
  }

  /**
   * Receipts on the assigned partitions not yet read, as of the last poll (committed receipts only,
   * as the sink reads them); -1 until known. A figure for health checks: it grows while the sink
   * cannot keep up or cannot store.
   */
  public long lag() {
    return metrics.lag.records();
  }

  /** Stops consuming: finishes or abandons the batch in hand, commits what was stored, closes. */
  @Override
  public void close() {
    loop.close();
  }

  /** The sink's part of the loop: its schema, its subscription, its batches, its failure. */
  private final class Loop implements ConsumerLoop.Body {

    @Override
    public void prepare() {
      Database.migrate(config);
    }

    @Override
    public void subscribe() {
      consumer.subscribe(List.of(TOPIC.name()), new CommitBeforeRevoke());
    }

    @Override
    public void turn() {
      try {
        step();
        unexpectedFailuresInARow = 0;
        errorBackoff.reset();
      } catch (WakeupException | InterruptException | FencedInstanceIdException e) {
        // The wakeup of close(), or fenced (another instance has our id): the loop ends.
        throw e;
      } catch (RetriableException | RebalanceInProgressException e) {
        retryAfter("kafka", e);
      } catch (RuntimeException e) {
        unexpectedFailuresInARow++;
        if (unexpectedFailuresInARow >= tuning.maxUnexpectedFailures()) {
          // An error that keeps coming back: retrying cannot help, a restart may.
          throw new IllegalStateException(
              "the receipt sink failed " + unexpectedFailuresInARow + " times in a row; giving up",
              e);
        }
        retryAfter("unexpected", e);
      }
    }

    @Override
    public void closeClients() {
      up.set(0);
      commitLeftover();
      try {
        consumer.close(CloseOptions.timeout(LAST_COMMIT_TIMEOUT));
      } catch (RuntimeException e) {
        log.warn("Could not close the receipt consumer cleanly: {}", e.toString());
      }
    }

    @Override
    public void closeResources() {
      dataSource.close();
    }

    @Override
    public void onFailure(Throwable cause) {
      log.error("RECEIPT SINK STOPPED: receipts are no longer being stored in PostgreSQL", cause);
      try {
        failureListener.onFailure(cause);
      } catch (RuntimeException e) {
        log.error("The receipt sink's failure listener failed", e);
      }
    }
  }

  /** One turn of the loop: retry a failed commit, poll, store, commit. */
  private void step() {
    if (!uncommitted.isEmpty()) {
      commitUncommitted();
    }
    ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
    metrics.lag.update(consumer);
    boolean healthy = records.isEmpty() || process(records);
    up.set(healthy && uncommitted.isEmpty() ? 1 : 0);
  }

  /** Returns false if the database could not take the batch; it is then re-read after a pause. */
  private boolean process(ConsumerRecords<String, byte[]> records) {
    List<IncomingReceipt> batch = new ArrayList<>(records.count());
    List<QuarantinedRecord> quarantine = new ArrayList<>();
    Optional<Written> written;
    try {
      // All the crypto (MAC, hashes, signatures) before any database work: the transaction, and
      // the one connection, are held only for the writes.
      for (ConsumerRecord<String, byte[]> record : records) {
        ReceiptReader.Outcome outcome =
            reader.read(
                record.value(), SignetHeaders.text(record.headers(), SignetHeaders.RECEIPT_MAC));
        if (outcome instanceof ReceiptReader.Accepted accepted) {
          batch.add(accepted.receipt());
        } else if (outcome instanceof ReceiptReader.Rejected rejected) {
          quarantine.add(QuarantinedRecord.of(record, rejected));
        }
      }
      written = write(batch, quarantine);
    } catch (RuntimeException e) {
      // The position is already past these records: go back, so that a retry sees them again.
      rewind(records);
      throw e;
    }
    if (written.isEmpty()) {
      // Read the same records again after the pause: nothing is committed, nothing is lost, and
      // polling again keeps this consumer in its group however long the outage lasts.
      rewind(records);
      loop.pause(databaseBackoff.nextDelay());
      return false;
    }
    databaseBackoff.reset();
    report(written.get());
    uncommitted.putAll(records.nextOffsets());
    commitUncommitted();
    return true;
  }

  /** What one batch did to the database. */
  private record Written(ReceiptWriter.Result receipts, List<QuarantinedRecord> quarantined) {}

  private Optional<Written> write(List<IncomingReceipt> batch, List<QuarantinedRecord> quarantine) {
    Timer.Sample sample = Timer.start();
    try {
      // Quarantine first: if the receipts then fail, the retry finds these rows and adds none.
      List<QuarantinedRecord> quarantined = quarantineWriter.write(quarantine);
      ReceiptWriter.Result result = writer.write(batch);
      sample.stop(metrics.batchWrite);
      return Optional.of(new Written(result, quarantined));
    } catch (SQLException e) {
      up.set(0);
      metrics.writeFailures.increment();
      metrics.retried("database");
      log.warn(
          "Cannot store a batch of {} receipts ({} quarantined), will retry without committing offsets: {}",
          batch.size(),
          quarantine.size(),
          e.toString());
      return Optional.empty();
    }
  }

  private void report(Written written) {
    ReceiptWriter.Result result = written.receipts();
    stored.addAndGet(result.stored());
    metrics.stored.increment(result.stored());
    metrics.duplicates.increment(result.duplicates());
    for (ReceiptWriter.Conflict conflict : result.conflicts()) {
      metrics.conflicts.increment();
      log.error(
          "Conflicting receipt for trace {} hop {}: stored {}, received {}. Kept the stored one; "
              + "the other is in receipt_conflicts",
          conflict.traceId(),
          conflict.hop(),
          conflict.existingHash(),
          conflict.incomingHash());
    }
    for (ReceiptWriter.Unwritable unwritable : result.unwritable()) {
      metrics.rejected("refused_by_database");
      log.error(
          "PostgreSQL refused the receipt for trace {} hop {}; skipped it",
          unwritable.receipt().traceId(),
          unwritable.receipt().hop(),
          unwritable.cause());
    }
    for (QuarantinedRecord q : written.quarantined()) {
      metrics.quarantined(q.reason());
      log.error(
          "Quarantined record {}-{}@{} (key {}, claims trace {} hop {}): {}: {}. Not stored, not billed; "
              + "see receipt_quarantine",
          q.topic(),
          q.partition(),
          q.offset(),
          q.key(),
          q.traceId(),
          q.hop(),
          q.reason(),
          q.detail());
    }
  }

  /**
   * Commits every stored offset not yet committed. A commit refused after a rebalance is dropped
   * (the new owner re-reads those receipts and the writes are idempotent); a commit that times out
   * or fails retriably throws, keeping its offsets for the next try.
   */
  private void commitUncommitted() {
    try {
      consumer.commitSync(Map.copyOf(uncommitted), tuning.commitTimeout());
      uncommitted.clear();
    } catch (CommitFailedException e) {
      log.warn(
          "Offsets not committed after a rebalance; the new owner will re-read them: {}",
          e.toString());
      uncommitted.clear();
    }
  }

  /** A wakeup can land in commitSync after the batch is stored; commit it so a restart skips it. */
  private void commitLeftover() {
    if (uncommitted.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(Map.copyOf(uncommitted), LAST_COMMIT_TIMEOUT);
    } catch (KafkaException e) {
      log.warn(
          "Could not commit the last stored batch; it will be re-read and deduplicated: {}",
          e.toString());
    }
    uncommitted.clear();
  }

  private void retryAfter(String cause, RuntimeException e) {
    up.set(0);
    metrics.retried(cause);
    Duration delay = errorBackoff.nextDelay();
    log.warn(
        "Receipt sink: {} error, retrying in {} ms ({} uncommitted partitions): {}",
        cause,
        delay.toMillis(),
        uncommitted.size(),
        e.toString());
    loop.pause(delay);
  }

  private void rewind(ConsumerRecords<String, byte[]> records) {
    for (TopicPartition partition : records.partitions()) {
      try {
        consumer.seek(partition, records.records(partition).get(0).offset());
      } catch (IllegalStateException e) {
        // No longer ours: the new owner reads from the committed offset, which is not past these.
        log.debug("Partition {} was revoked; not rewinding it", partition);
      }
    }
  }

  /** Before partitions move to another member, commit what was stored from them; then forget it. */
  private final class CommitBeforeRevoke implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> leaving = new HashMap<>();
      for (TopicPartition partition : partitions) {
        OffsetAndMetadata offset = uncommitted.remove(partition);
        if (offset != null) {
          leaving.put(partition, offset);
        }
      }
      if (leaving.isEmpty()) {
        return;
      }
      try {
        consumer.commitSync(leaving, tuning.commitTimeout());
      } catch (KafkaException e) {
        log.warn(
            "Could not commit stored offsets of revoked partitions; the new owner re-reads them: {}",
            e.toString());
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Already owned by another member: committing would fail; it re-reads from the committed
      // offset.
      partitions.forEach(uncommitted::remove);
    }
  }
}
