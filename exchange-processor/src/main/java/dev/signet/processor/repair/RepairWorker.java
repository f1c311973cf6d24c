package dev.signet.processor.repair;

import dev.signet.core.crypto.RepairMacs;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.message.RepairOutcome;
import dev.signet.core.message.RepairRequest;
import dev.signet.core.topic.Topics;
import dev.signet.shell.ConsumerLoop;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repair worker: has the model repair what the processor could not parse, on its own pool,
 * never on a stream thread, and records each answer in Kafka before anything uses it.
 *
 * <p>In: {@code signet.exchange.repair-requests.v1} ({@link RepairRequest}, MAC {@link
 * RepairMacs#request}), read_committed, group {@value #DEFAULT_GROUP_ID} by default, offsets
 * committed only inside the worker's transactions. A record without a valid MAC, or unreadable, is
 * refused: logged, counted ({@value RepairWorkerMetrics#REFUSED}{@code {reason}}), never sent to
 * the model; its offset advances. Out: {@code signet.exchange.repair-outcomes.v1}, one {@link
 * RepairOutcome} per request, keyed by trace, MAC {@link RepairMacs#outcome}, on the partition
 * number the request was read from (both topics must have the same partition count), with header
 * {@value AnsweredRepairs#REQUEST_OFFSET}: the request's offset.
 *
 * <p>Calls: at most {@code concurrency} at once on a pool of that many threads; a slow call holds
 * one thread and nothing else. Requests read while the pool is full wait in a backlog of at most
 * one poll ({@code max.poll.records = concurrency}), and the consumer's partitions are paused
 * (still polled, so it stays in the group) until there is room again.
 *
 * <p>Writes: each loop turn, the outcomes completed since the last turn are written in one
 * transaction, in the order they completed, together with the offsets ({@code
 * sendOffsetsToTransaction} with the consumer's group metadata, so a member the group has moved on
 * from is fenced and its transaction aborted). A partition's committed offset moves only over the
 * contiguous prefix of settled requests (answered, refused or skipped), so an outcome written ahead
 * of a slow call is in Kafka while the offset still points at the slow request.
 *
 * <p>Never twice: the metadata of each committed offset is a <em>recovery mark</em> ({@code
 * repair-outcomes-from=<offset>}): the earliest outcome offset of any request at or after the
 * committed offset (or the outcome partition's end as far as the worker wrote or read it). Every
 * outcome of a request the next owner will re-read is at or after the mark. On assignment, the
 * worker reads the outcome partition, read_committed, from the mark to its end, collects the repair
 * ids answered there (only records with a valid outcome MAC), and settles those requests without a
 * call when it reads them again. The committed offset is fetched first, and a read_committed
 * consumer's fetch waits for a previous owner's open transaction on it to end (KIP-447), so the
 * scan sees that transaction's outcomes if it committed. Cost: the scan covers the outcomes written
 * while the oldest unsettled request was in flight, bounded by the slowest call (timeout times
 * attempts) and capped at {@code maxRecoveryScan} records (a warning says when the cap cuts it
 * short); without a mark (a new group) the last {@code maxRecoveryScan} outcomes are read.
 *
 * <p>Revocation and close: stop taking requests of those partitions, wait up to {@code
 * drainTimeout} for their calls in flight, write what completed, commit. A request whose call did
 * not complete in time has no outcome and is re-read by the next owner, which calls the model
 * again: unavoidable, and not billed twice, since only a recorded outcome carries FU. A late reply
 * to a partition no longer owned is dropped. A member cut off without a revocation (partitions
 * lost) may have a transaction in progress: its offsets are fenced, so its outcomes are aborted
 * with it.
 *
 * <p>Limits of the guard: it matches by repair id the answers found on assignment, so within one
 * ownership a request is never re-read, and across owners an answered request is skipped; it does
 * not deduplicate two distinct requests of one repair id within one ownership (the processor's
 * exactly-once writes ask once). A new group id (no marks) reads only the last {@code
 * maxRecoveryScan} outcomes per partition: keep the group id of a deployment. When the same worker
 * gets a partition back in an eager rebalance, a call that outlived the drain is dropped and made
 * again, like any new owner's.
 *
 * <p>A failed transaction ends the loop ({@link ConsumerLoop} reports it): the process is restarted
 * and recovery above applies. The worker owns the {@link ModelClient} and closes it.
 */
public final class RepairWorker implements ConsumerLoop.Body {

  public static final String DEFAULT_GROUP_ID = "signet-repair-worker";

  private static final Logger log = LoggerFactory.getLogger(RepairWorker.class);
  private static final Duration CLOSE_MARGIN = Duration.ofSeconds(30);

  /** A request handed to the pool. */
  private record Call(
      TopicPartition partition, long offset, RepairRequest request, PartitionProgress progress) {}

  /** A call's outcome, waiting to be written. */
  private record Completed(Call call, RepairOutcome outcome) {}

  private final String requestsTopic;
  private final String outcomesTopic;
  private final Consumer<String, byte[]> consumer;
  private final Producer<String, byte[]> producer;
  private final Consumer<String, byte[]> outcomeReader;
  private final ModelClient model;
  private final RepairMacs macs;
  private final RepairWorkerSettings settings;
  private final RepairWorkerMetrics metrics;
  private final AnsweredRepairs answered;
  private final Clock clock;
  private final ExecutorService pool;
  private final Map<TopicPartition, PartitionProgress> owned = new HashMap<>();
  private final ArrayDeque<Call> backlog = new ArrayDeque<>();
  private final BlockingQueue<Completed> completions = new LinkedBlockingQueue<>();
  private final List<Completed> completed = new ArrayList<>();
  private boolean broken;

  private RepairWorker(
      String requestsTopic,
      String outcomesTopic,
      Consumer<String, byte[]> consumer,
      Producer<String, byte[]> producer,
      Consumer<String, byte[]> outcomeReader,
      ModelClient model,
      RepairMacs macs,
      RepairWorkerSettings settings,
      MeterRegistry meters,
      Clock clock) {
    this.requestsTopic = requestsTopic;
    this.outcomesTopic = outcomesTopic;
    this.consumer = consumer;
    this.producer = producer;
    this.outcomeReader = outcomeReader;
    this.model = model;
    this.macs = macs;
    this.settings = settings;
    this.metrics = new RepairWorkerMetrics(meters);
    this.clock = clock;
    this.answered =
        new AnsweredRepairs(
            outcomeReader,
            Topics.EXCHANGE_REPAIR_OUTCOMES,
            outcomesTopic,
            macs.outcome(),
            settings.maxRecoveryScan());
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            settings.concurrency(),
            task -> {
              Thread thread = new Thread(task, "signet-repair-call-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * The worker's loop over Kafka at {@code bootstrapServers}, not started: it reads in group {@code
   * groupId} (normally {@value #DEFAULT_GROUP_ID}) and writes with transactional id {@code
   * <groupId>-<instanceId>}, so {@code instanceId} must be unique among the running workers and
   * stable across restarts of one.
   */
  public static ConsumerLoop create(
      String bootstrapServers,
      String groupId,
      String instanceId,
      ServerSecret serverSecret,
      ModelClient model,
      RepairWorkerSettings settings,
      MeterRegistry meters) {
    return create(
        bootstrapServers,
        groupId,
        instanceId,
        serverSecret,
        model,
        settings,
        meters,
        Topics.EXCHANGE_REPAIR_REQUESTS.name(),
        Topics.EXCHANGE_REPAIR_OUTCOMES.name());
  }

  /** As above, over other topics of the same shapes (tests). */
  static ConsumerLoop create(
      String bootstrapServers,
      String groupId,
      String instanceId,
      ServerSecret serverSecret,
      ModelClient model,
      RepairWorkerSettings settings,
      MeterRegistry meters,
      String requestsTopic,
      String outcomesTopic) {
    String clientId = groupId + "-" + instanceId;
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                groupId,
                ConsumerConfig.CLIENT_ID_CONFIG,
                clientId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // A new group answers the requests already waiting, not only the next ones.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                // Bounds the backlog of requests read while the pool is full.
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                settings.concurrency()),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG,
                clientId + "-producer",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                clientId,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new StringSerializer(),
            new ByteArraySerializer());
    KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG,
                clientId + "-recovery",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    RepairWorker worker =
        new RepairWorker(
            requestsTopic,
            outcomesTopic,
            consumer,
            producer,
            reader,
            model,
            RepairMacs.of(serverSecret),
            settings,
            meters,
            Clock.systemUTC());
    return new ConsumerLoop(
        "repair worker",
        "signet-repair-worker",
        settings.drainTimeout().plus(CLOSE_MARGIN),
        consumer,
        worker);
  }

  @Override
  public void subscribe() {
    producer.initTransactions();
    consumer.subscribe(List.of(requestsTopic), new Rebalance());
  }

  @Override
  public void turn() {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(settings.pollTimeout())) {
      accept(record);
    }
    dispatch();
    collectCompletions();
    writeAndCommit();
    applyBackPressure();
  }

  @Override
  public void closeClients() {
    try {
      release(new ArrayList<>(owned.keySet()));
    } catch (RuntimeException e) {
      log.warn("Repair worker could not write its last outcomes on close: {}", e.toString());
    }
    pool.shutdownNow();
    closeQuietly(consumer, "consumer");
    closeQuietly(producer, "producer");
    closeQuietly(outcomeReader, "outcome reader");
  }

  @Override
  public void closeResources() {
    pool.shutdownNow();
    closeQuietly(model, "model client");
  }

  @Override
  public void onFailure(Throwable cause) {
    log.error("REPAIR WORKER STOPPED: repair requests are no longer answered", cause);
  }

  /** Reads one request: refused, already answered, or queued for a call. */
  private void accept(ConsumerRecord<String, byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    PartitionProgress progress = owned.get(partition);
    if (progress == null) {
      return; // not ours any more: never committed by us, re-read by the owner
    }
    progress.read(record.offset());
    RepairRequest request = authenticate(record);
    if (request == null) {
      progress.settle(record.offset());
      return;
    }
    PartitionProgress.Answer answer = progress.answered(request.repairId());
    if (answer != null) {
      log.info(
          "Repair {} (trace {}) at {}@{} is already answered at outcome offset {}; not calling"
              + " the model again",
          request.repairId(),
          request.traceId(),
          partition,
          record.offset(),
          answer.outcomeOffset());
      progress.settle(record.offset(), answer.outcomeOffset());
      return;
    }
    backlog.add(new Call(partition, record.offset(), request, progress));
  }

  /** The request, or null when refused (counted and logged). */
  private RepairRequest authenticate(ConsumerRecord<String, byte[]> record) {
    String reason;
    String detail;
    if (record.value() == null || record.headers().lastHeader(macs.request().header()) == null) {
      reason = "missing_mac";
      detail = "no " + macs.request().header() + " header";
    } else if (!macs.request().verify(record.headers(), record.value())) {
      reason = "bad_mac";
      detail = "the MAC does not match the value";
    } else {
      try {
        return Topics.EXCHANGE_REPAIR_REQUESTS
            .valueSerde()
            .deserializer()
            .deserialize(record.topic(), record.value());
      } catch (RuntimeException e) {
        reason = "unreadable";
        detail = e.toString();
      }
    }
    metrics.refused(reason);
    log.error(
        "Not sending repair request {}-{}@{} (key {}) to the model: {}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        reason,
        detail);
    return null;
  }

  /** Hands queued requests to the pool while it has room. */
  private void dispatch() {
    while (!backlog.isEmpty() && metrics.inFlight.get() < settings.concurrency()) {
      Call call = backlog.poll();
      call.progress().callStarted();
      metrics.inFlight.incrementAndGet();
      pool.execute(() -> completions.add(new Completed(call, call(call.request()))));
    }
  }

  /**
   * One model call, on a pool thread; always an outcome, since a request without one would hold its
   * partition's commits back for good.
   */
  private RepairOutcome call(RepairRequest request) {
    long start = System.nanoTime();
    ModelReply reply;
    try {
      reply = model.repair(request);
    } catch (RuntimeException | Error e) {
      reply = new ModelReply.Failed("MODEL_ERROR", "the model client threw " + e, 0);
      log.error("The model client threw on repair {}", request.repairId(), e);
    } finally {
      metrics.inFlight.decrementAndGet();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    metrics.called(reply instanceof ModelReply.Replied, took);
    return RepairOutcomes.of(request, reply, took, clock.instant());
  }

  /** Takes the completed calls; drops those of partitions no longer owned. */
  private void collectCompletions() {
    List<Completed> drained = new ArrayList<>();
    completions.drainTo(drained);
    drained.forEach(this::collect);
  }

  private void collect(Completed done) {
    Call call = done.call();
    call.progress().callEnded();
    if (owned.get(call.partition()) != call.progress()) {
      log.info(
          "Dropping the outcome of repair {} at {}@{}: the partition is no longer ours, its next"
              + " owner answers it",
          call.request().repairId(),
          call.partition(),
          call.offset());
      return;
    }
    completed.add(done);
  }

  /** One transaction: the completed outcomes and the offsets they and settled requests allow. */
  private void writeAndCommit() {
    Set<TopicPartition> touched = new HashSet<>();
    completed.forEach(done -> touched.add(done.call().partition()));
    owned.forEach(
        (partition, progress) -> {
          if (progress.advance()) {
            touched.add(partition);
          }
        });
    if (touched.isEmpty()) {
      return;
    }
    try {
      producer.beginTransaction();
      List<Future<RecordMetadata>> sent = new ArrayList<>(completed.size());
      for (Completed done : completed) {
        sent.add(producer.send(outcomeRecord(done)));
      }
      producer.flush();
      for (int i = 0; i < completed.size(); i++) {
        Call call = completed.get(i).call();
        call.progress().settle(call.offset(), acked(sent.get(i)).offset());
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (TopicPartition partition : touched) {
        PartitionProgress progress = owned.get(partition);
        progress.advance();
        offsets.put(partition, RecoveryMark.commit(progress.position(), progress.recoveryMark()));
      }
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
      touched.forEach(partition -> owned.get(partition).committed());
      completed.clear();
    } catch (KafkaException e) {
      broken = true;
      abortQuietly(e);
      throw new IllegalStateException(
          "the repair worker could not write "
              + completed.size()
              + " outcome(s) and commit "
              + touched
              + "; a restart re-reads from the last commit",
          e);
    }
  }

  private ProducerRecord<String, byte[]> outcomeRecord(Completed done) {
    Call call = done.call();
    byte[] value =
        Topics.EXCHANGE_REPAIR_OUTCOMES
            .valueSerde()
            .serializer()
            .serialize(outcomesTopic, done.outcome());
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            outcomesTopic, call.partition().partition(), call.request().traceId(), value);
    macs.outcome().stamp(record.headers(), value);
    record
        .headers()
        .add(
            AnsweredRepairs.REQUEST_OFFSET,
            Long.toString(call.offset()).getBytes(StandardCharsets.US_ASCII));
    return record;
  }

  private static RecordMetadata acked(Future<RecordMetadata> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new KafkaException("an outcome was not acknowledged", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted waiting for an outcome's acknowledgement", e);
    }
  }

  private void abortQuietly(KafkaException cause) {
    if (cause instanceof ProducerFencedException
        || cause instanceof OutOfOrderSequenceException
        || cause instanceof AuthorizationException) {
      return; // fatal for the producer: it cannot abort, only close
    }
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      cause.addSuppressed(e);
    }
  }

  /** Pauses every partition while the pool is full or requests wait; resumes when there is room. */
  private void applyBackPressure() {
    boolean full = !backlog.isEmpty() || metrics.inFlight.get() >= settings.concurrency();
    if (full) {
      consumer.pause(consumer.assignment());
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
  }

  /**
   * Gives up {@code partitions}: no new calls for them, a bounded wait for those in flight, then
   * their outcomes and offsets are written.
   */
  private void release(Collection<TopicPartition> partitions) {
    List<PartitionProgress> released = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      PartitionProgress progress = owned.get(partition);
      if (progress != null) {
        released.add(progress);
      }
    }
    if (released.isEmpty()) {
      return;
    }
    backlog.removeIf(call -> partitions.contains(call.partition()));
    if (broken) {
      partitions.forEach(owned::remove);
      return;
    }
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    while (released.stream().anyMatch(p -> p.callsInFlight() > 0)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        log.warn(
            "Repair calls still in flight after {} for {}: their requests are left to the next"
                + " owner, which calls the model again",
            settings.drainTimeout(),
            partitions);
        break;
      }
      try {
        Completed done = completions.poll(left, TimeUnit.NANOSECONDS);
        if (done != null) {
          collect(done);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    collectCompletions();
    try {
      writeAndCommit();
    } finally {
      partitions.forEach(owned::remove);
    }
  }

  private static void closeQuietly(AutoCloseable client, String what) {
    try {
      client.close();
    } catch (Exception e) {
      log.warn("Could not close the repair worker's {} cleanly: {}", what, e.toString());
    }
  }

  /** Tracks the partitions owned: recovery on assignment, a last commit on revocation. */
  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      release(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Not ours any more and no commit possible: drop, the next owner re-reads.
      backlog.removeIf(call -> partitions.contains(call.partition()));
      partitions.forEach(owned::remove);
      completed.removeIf(done -> partitions.contains(done.call().partition()));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
      for (TopicPartition partition : partitions) {
        OffsetAndMetadata commit = committed.get(partition);
        AnsweredRepairs.Found found = answered.read(partition.partition(), RecoveryMark.of(commit));
        owned.put(
            partition,
            new PartitionProgress(
                commit == null ? -1 : commit.offset(), found.answers(), found.end()));
      }
    }
  }
}
