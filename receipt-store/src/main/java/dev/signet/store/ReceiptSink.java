package dev.signet.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies every receipt into PostgreSQL, the system of record.
 *
 * <p>In: {@code signet.receipts.v1}, read with {@code isolation.level=read_committed}, so a
 * receipt from an aborted transaction is never seen. Out: tables {@code receipts} and
 * {@code receipt_conflicts}.
 *
 * <p>Guarantee: every committed receipt is stored exactly once. Each poll is written in one
 * database transaction and its offsets are committed only after that transaction commits; a
 * crash in between re-delivers the batch, and the write is idempotent on
 * {@code (trace_id, hop)}. A <em>different</em> receipt for a stored {@code (trace_id, hop)} never
 * overwrites it: it goes to {@code receipt_conflicts}, {@code signet_receipt_conflicts_total} and
 * an ERROR log. While the database cannot take a batch, the batch is retried with backoff and no
 * offset moves. A record that is not a verifiable receipt is logged, counted and skipped; it
 * never stops the partition.
 *
 * <p>One thread owns the consumer; {@link #close()} wakes it and waits for it.
 */
public final class ReceiptSink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReceiptSink.class);

  private static final Topic<String, Receipt> TOPIC = Topics.RECEIPTS;
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LAST_COMMIT_TIMEOUT = Duration.ofSeconds(5);

  private final ReceiptStoreConfig config;
  private final KafkaConsumer<String, byte[]> consumer;
  private final HikariDataSource dataSource;
  private final ReceiptReader reader = new ReceiptReader();
  private final ReceiptWriter writer;
  private final SinkMetrics metrics;
  // 100 ms doubling to 5 s: quick when a connection blips, and far below max.poll.interval.ms so
  // the group keeps us while we wait.
  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong stored = new AtomicLong();
  private final Thread thread;

  /** Offsets of a batch already in the database but not yet committed to Kafka; loop thread only. */
  private Map<TopicPartition, OffsetAndMetadata> uncommitted = Map.of();

  public ReceiptSink(ReceiptStoreConfig config, MeterRegistry registry) {
    this(config, registry, null);
  }

  /**
   * @param groupInstanceId a stable id of this instance (e.g. a pod name), or null: a static
   *     group member gets its partitions back at once after a crash, not after the session timeout
   */
  public ReceiptSink(ReceiptStoreConfig config, MeterRegistry registry, String groupInstanceId) {
    this.config = config;
    this.metrics = new SinkMetrics(registry);
    this.dataSource = Database.writerPool(config);
    this.writer = new ReceiptWriter(dataSource);
    // Values stay bytes: the stored body must be the receipt exactly as signed (see ReceiptReader).
    Map<String, Object> consumerProperties = new HashMap<>(consumerProperties(config));
    if (groupInstanceId != null && !groupInstanceId.isBlank()) {
      consumerProperties.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.groupId() + "-" + groupInstanceId);
    }
    this.consumer = new KafkaConsumer<>(consumerProperties, TOPIC.keySerde().deserializer(),
        new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "signet-receipt-sink");
    this.thread.setUncaughtExceptionHandler((t, e) ->
        log.error("Receipt sink stopped on an unexpected error: receipts are no longer being stored", e));
  }

  static Map<String, Object> consumerProperties(ReceiptStoreConfig config) {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        // A new group must store the receipts written before it first started, not skip them.
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatch());
  }

  /** Brings the schema up to date, then starts consuming on the sink's own thread. */
  public void start() {
    if (closed.get()) {
      throw new IllegalStateException("the receipt sink is closed");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the receipt sink is already started");
    }
    Database.migrate(config);
    thread.start();
  }

  /** Receipts this instance newly stored (duplicates excluded); for progress checks. */
  public long storedCount() {
    return stored.get();
  }

  /** False before {@link #start()}, after {@link #close()}, and if the loop died: a health signal. */
  public boolean isRunning() {
    return thread.isAlive() && stopping.getCount() > 0;
  }

  /** Stops consuming: finishes or abandons the batch in hand, commits what was stored, closes. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopping.countDown();
    if (started.get()) {
      consumer.wakeup();
      try {
        thread.join(CLOSE_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        log.warn("Receipt sink thread did not stop within {}; closing the pool under it", CLOSE_TIMEOUT);
      }
    } else {
      consumer.close();
    }
    dataSource.close();
  }

  private void run() {
    try {
      consumer.subscribe(List.of(TOPIC.name()));
      while (stopping.getCount() > 0) {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
        if (!records.isEmpty()) {
          process(records);
        }
      }
    } catch (WakeupException e) {
      // close() interrupts a blocking poll or commit this way.
    } finally {
      commitLeftover();
      consumer.close();
    }
  }

  private void process(ConsumerRecords<String, byte[]> records) {
    List<IncomingReceipt> batch = new ArrayList<>(records.count());
    List<Skipped> skipped = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      ReceiptReader.Outcome outcome = reader.read(record.value());
      if (outcome instanceof ReceiptReader.Accepted accepted) {
        batch.add(accepted.receipt());
      } else if (outcome instanceof ReceiptReader.Rejected rejected) {
        skipped.add(new Skipped(record, rejected));
      }
    }
    Optional<ReceiptWriter.Result> result = write(batch);
    if (result.isEmpty()) {
      // Read the same records again after the pause: nothing is committed, nothing is lost, and
      // polling again keeps this consumer in its group however long the outage lasts.
      rewind(records);
      pause(backoff.nextDelay());
      return;
    }
    backoff.reset();
    report(result.get(), skipped);
    commit(records.nextOffsets());
  }

  private Optional<ReceiptWriter.Result> write(List<IncomingReceipt> batch) {
    Timer.Sample sample = Timer.start();
    try {
      ReceiptWriter.Result result = writer.write(batch);
      sample.stop(metrics.batchWrite);
      return Optional.of(result);
    } catch (SQLException e) {
      metrics.writeFailures.increment();
      log.warn("Cannot store a batch of {} receipts, will retry without committing offsets: {}", batch.size(),
          e.toString());
      return Optional.empty();
    }
  }

  private void report(ReceiptWriter.Result result, List<Skipped> skipped) {
    stored.addAndGet(result.stored());
    metrics.stored.increment(result.stored());
    metrics.duplicates.increment(result.duplicates());
    for (ReceiptWriter.Conflict conflict : result.conflicts()) {
      metrics.conflicts.increment();
      log.error("Conflicting receipt for trace {} hop {}: stored {}, received {}. Kept the stored one; "
              + "the other is in receipt_conflicts", conflict.traceId(), conflict.hop(), conflict.existingHash(),
          conflict.incomingHash());
    }
    for (ReceiptWriter.Unwritable unwritable : result.unwritable()) {
      metrics.rejected("refused_by_database");
      log.error("PostgreSQL refused the receipt for trace {} hop {}; skipped it", unwritable.receipt().traceId(),
          unwritable.receipt().hop(), unwritable.cause());
    }
    for (Skipped skip : skipped) {
      metrics.rejected(skip.rejected().reason());
      log.error("Skipped record {}-{}@{} (key {}): {}", skip.topic(), skip.partition(), skip.offset(), skip.key(),
          skip.rejected().detail());
    }
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    uncommitted = offsets;
    try {
      consumer.commitSync(offsets);
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // The partitions moved to another member, which re-reads from the last committed offset;
      // the rows are already stored and the write is idempotent, so nothing is lost or doubled.
      log.warn("Offsets not committed after a rebalance; the new owner will re-read them: {}", e.toString());
    }
    uncommitted = Map.of();
  }

  /** A wakeup can land in commitSync after the batch is stored; commit it so a restart skips it. */
  private void commitLeftover() {
    if (uncommitted.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(uncommitted, LAST_COMMIT_TIMEOUT);
    } catch (KafkaException e) {
      log.warn("Could not commit the last stored batch; it will be re-read and deduplicated: {}", e.toString());
    }
    uncommitted = Map.of();
  }

  private void rewind(ConsumerRecords<String, byte[]> records) {
    for (TopicPartition partition : records.partitions()) {
      consumer.seek(partition, records.records(partition).get(0).offset());
    }
  }

  private void pause(Duration delay) {
    try {
      // Returns at once when close() is called.
      stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping.countDown();
    }
  }

  /** Where a skipped record was, for the log. */
  private record Skipped(String topic, int partition, long offset, String key, ReceiptReader.Rejected rejected) {
    Skipped(ConsumerRecord<String, byte[]> record, ReceiptReader.Rejected rejected) {
      this(record.topic(), record.partition(), record.offset(), record.key(), rejected);
    }
  }
}
