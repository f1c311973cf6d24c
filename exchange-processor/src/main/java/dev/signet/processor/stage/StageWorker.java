package dev.signet.processor.stage;

import dev.signet.core.config.KafkaClientProperties;
import dev.signet.shell.ConsumerLoop;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
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
 * A stage worker: does one {@link Stage}'s slow work (the model's repair, a forward) on its own
 * pool, never on a stream thread, and records each answer in Kafka before anything uses it.
 *
 * <p>In: the stage's requests topic (MAC {@link Stage#requestMac()}), read_committed, in the
 * stage's group, offsets committed only inside the worker's transactions. A record without a valid
 * MAC, or unreadable, is refused: logged, counted ({@code signet_<stage>_requests_refused_total
 * {reason}}), never worked on; its offset advances. Out: the stage's outcomes topic, one outcome
 * per request, keyed by trace, MAC {@link Stage#outcomeMac()}, on the partition number the request
 * was read from (both topics must have the same partition count), with header {@code
 * x-signet-<stage>-request-offset}: the request's offset.
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
 * outcomes-from=<offset>}): the earliest outcome offset of any request at or after the committed
 * offset (or the outcome partition's end as far as the worker wrote or read it). Every outcome of a
 * request the next owner will re-read is at or after the mark. On assignment, the worker reads the
 * outcome partition, read_committed, from the mark to its end, collects the request ids answered
 * there (only records with a valid outcome MAC), and settles those requests without a call when it
 * reads them again. The committed offset is fetched first, and a read_committed consumer's fetch
 * waits for a previous owner's open transaction on it to end (KIP-447), so the scan sees that
 * transaction's outcomes if it committed. Cost: the scan covers the outcomes written while the
 * oldest unsettled request was in flight, bounded by the slowest call (timeout times attempts) and
 * capped at {@code maxRecoveryScan} records (a warning says when the cap cuts it short); without a
 * mark (a new group) the last {@code maxRecoveryScan} outcomes are read.
 *
 * <p>Revocation and close: stop taking requests of those partitions, wait up to {@code
 * drainTimeout} for their calls in flight, write what completed, commit. A request whose call did
 * not complete in time has no outcome and is re-read by the next owner, which works on it again:
 * unavoidable, and harmless to what is signed or billed, which only a recorded outcome reaches. A
 * late reply to a partition no longer owned is dropped. A member cut off without a revocation
 * (partitions lost) may have a transaction in progress: its offsets are fenced, so its outcomes are
 * aborted with it.
 *
 * <p>Limits of the guard: it matches by request id the answers found on assignment, so within one
 * ownership a request is never re-read, and across owners an answered request is skipped; it does
 * not deduplicate two distinct requests of one id within one ownership (the processor's
 * exactly-once writes ask once). A new group id (no marks) reads only the last {@code
 * maxRecoveryScan} outcomes per partition: keep the group id of a deployment. When the same worker
 * gets a partition back in an eager rebalance, a call that outlived the drain is dropped and made
 * again, like any new owner's.
 *
 * <p>A failed transaction ends the loop ({@link ConsumerLoop} reports it): the process is restarted
 * and recovery above applies. The worker owns the {@link Stage} and closes it.
 */
public final class StageWorker<Q, A> implements ConsumerLoop.Body {

  private static final Logger log = LoggerFactory.getLogger(StageWorker.class);
  private static final Duration CLOSE_MARGIN = Duration.ofSeconds(30);

  /** A request handed to the pool. */
  private record Call<Q>(
      TopicPartition partition, long offset, Q request, PartitionProgress progress) {}

  /** A call's outcome, waiting to be written. */
  private record Completed<Q, A>(Call<Q> call, A outcome) {}

  private final String requestsTopic;
  private final String outcomesTopic;
  private final Consumer<String, byte[]> consumer;
  private final Producer<String, byte[]> producer;
  private final Consumer<String, byte[]> outcomeReader;
  private final Stage<Q, A> stage;
  private final StageWorkerSettings settings;
  private final StageWorkerMetrics metrics;
  private final AnsweredRequests<A> answered;
  private final ExecutorService pool;
  private final Map<TopicPartition, PartitionProgress> owned = new HashMap<>();
  private final ArrayDeque<Call<Q>> backlog = new ArrayDeque<>();
  private final BlockingQueue<Completed<Q, A>> completions = new LinkedBlockingQueue<>();
  private final List<Completed<Q, A>> completed = new ArrayList<>();
  private boolean broken;

  private StageWorker(
      String requestsTopic,
      String outcomesTopic,
      Consumer<String, byte[]> consumer,
      Producer<String, byte[]> producer,
      Consumer<String, byte[]> outcomeReader,
      Stage<Q, A> stage,
      StageWorkerSettings settings,
      MeterRegistry meters) {
    this.requestsTopic = requestsTopic;
    this.outcomesTopic = outcomesTopic;
    this.consumer = consumer;
    this.producer = producer;
    this.outcomeReader = outcomeReader;
    this.stage = stage;
    this.settings = settings;
    this.metrics = new StageWorkerMetrics(meters, stage.name(), stage.results());
    this.answered =
        new AnsweredRequests<>(outcomeReader, stage, outcomesTopic, settings.maxRecoveryScan());
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            settings.concurrency(),
            task -> {
              Thread thread =
                  new Thread(task, "signet-" + stage.name() + "-call-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * The worker's loop over Kafka at {@code bootstrapServers}, not started: it reads {@code stage}'s
   * requests in group {@code groupId} and writes with transactional id {@code
   * <groupId>-<instanceId>}, so {@code instanceId} must be unique among the running workers of the
   * stage and stable across restarts of one. A stable id ({@code SP_INSTANCE_ID}) also makes the
   * consumer a static group member: after a kill -9 the restarted worker takes its partitions back
   * at once instead of leaving them unread for the session timeout (45 s), while requests of sync
   * callers wait; a clean close still leaves the group. Null: a dynamic member with an id of this
   * process (a restart then does not fence the earlier producer, whose open transaction times out).
   */
  public static <Q, A> ConsumerLoop create(
      String bootstrapServers,
      KafkaClientProperties kafkaClient,
      String groupId,
      String instanceId,
      Stage<Q, A> stage,
      StageWorkerSettings settings,
      MeterRegistry meters) {
    return create(
        bootstrapServers,
        kafkaClient,
        groupId,
        instanceId,
        stage,
        settings,
        meters,
        stage.requests().name(),
        stage.outcomes().name());
  }

  /** As above, over other topics of the same shapes (tests). */
  public static <Q, A> ConsumerLoop create(
      String bootstrapServers,
      KafkaClientProperties kafkaClient,
      String groupId,
      String instanceId,
      Stage<Q, A> stage,
      StageWorkerSettings settings,
      MeterRegistry meters,
      String requestsTopic,
      String outcomesTopic) {
    boolean staticMember = instanceId != null && !instanceId.isBlank();
    String clientId = groupId + "-" + (staticMember ? instanceId : UUID.randomUUID());
    Map<String, Object> consumerConfig =
        new HashMap<>(
            Map.of(
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
                settings.concurrency()));
    if (staticMember) {
      consumerConfig.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, clientId);
    }
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            kafkaClient.clientConfig(bootstrapServers, consumerConfig),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            kafkaClient.clientConfig(
                bootstrapServers,
                Map.of(
                    ProducerConfig.CLIENT_ID_CONFIG,
                    clientId + "-producer",
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    clientId,
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    true)),
            new StringSerializer(),
            new ByteArraySerializer());
    KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(
            kafkaClient.clientConfig(
                bootstrapServers,
                Map.of(
                    ConsumerConfig.CLIENT_ID_CONFIG,
                    clientId + "-recovery",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    false)),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    StageWorker<Q, A> worker =
        new StageWorker<>(
            requestsTopic, outcomesTopic, consumer, producer, reader, stage, settings, meters);
    return new ConsumerLoop(
        stage.name() + " worker",
        "signet-" + stage.name() + "-worker",
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
      log.warn(
          "The {} worker could not write its last outcomes on close: {}",
          stage.name(),
          e.toString());
    }
    pool.shutdownNow();
    // A static member stays in the group after a plain close until its session times out: leave
    // now, so that a stopped worker's partitions move at once.
    closeQuietly(
        () ->
            consumer.close(
                CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP)),
        "consumer");
    closeQuietly(producer, "producer");
    closeQuietly(outcomeReader, "outcome reader");
  }

  @Override
  public void closeResources() {
    pool.shutdownNow();
    closeQuietly(stage, stage.name() + " stage");
  }

  @Override
  public void onFailure(Throwable cause) {
    log.error(
        "{} WORKER STOPPED: {} requests are no longer answered",
        stage.name().toUpperCase(Locale.ROOT),
        stage.name(),
        cause);
  }

  /** Reads one request: refused, already answered, or queued for a call. */
  private void accept(ConsumerRecord<String, byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    PartitionProgress progress = owned.get(partition);
    if (progress == null) {
      return; // not ours any more: never committed by us, re-read by the owner
    }
    progress.read(record.offset());
    Q request = authenticate(record);
    if (request == null) {
      progress.settle(record.offset());
      return;
    }
    PartitionProgress.Answer answer = progress.answered(stage.id(request));
    if (answer != null) {
      log.info(
          "{} request {} (trace {}) at {}@{} is already answered at outcome offset {}; not"
              + " working on it again",
          stage.name(),
          stage.id(request),
          stage.traceId(request),
          partition,
          record.offset(),
          answer.outcomeOffset());
      progress.settle(record.offset(), answer.outcomeOffset());
      return;
    }
    backlog.add(new Call<>(partition, record.offset(), request, progress));
  }

  /** The request, or null when refused (counted and logged). */
  private Q authenticate(ConsumerRecord<String, byte[]> record) {
    String reason;
    String detail;
    if (record.value() == null
        || record.headers().lastHeader(stage.requestMac().header()) == null) {
      reason = "missing_mac";
      detail = "no " + stage.requestMac().header() + " header";
    } else if (!stage.requestMac().verify(record.headers(), record.value())) {
      reason = "bad_mac";
      detail = "the MAC does not match the value";
    } else {
      try {
        return stage
            .requests()
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
        "Refusing {} request {}-{}@{} (key {}) unread: {}: {}",
        stage.name(),
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
      Call<Q> call = backlog.poll();
      call.progress().callStarted();
      metrics.inFlight.incrementAndGet();
      pool.execute(() -> completions.add(new Completed<>(call, call(call.request()))));
    }
  }

  /**
   * One call, on a pool thread; always an outcome, since a request without one would hold its
   * partition's commits back for good.
   */
  private A call(Q request) {
    long start = System.nanoTime();
    A outcome;
    try {
      outcome = stage.answer(request);
    } catch (RuntimeException | Error e) {
      log.error("The {} stage threw on request {}", stage.name(), stage.id(request), e);
      outcome = stage.failedBy(request, e);
    } finally {
      metrics.inFlight.decrementAndGet();
    }
    metrics.called(stage.result(outcome), Duration.ofNanos(System.nanoTime() - start));
    return outcome;
  }

  /** Takes the completed calls; drops those of partitions no longer owned. */
  private void collectCompletions() {
    List<Completed<Q, A>> drained = new ArrayList<>();
    completions.drainTo(drained);
    drained.forEach(this::collect);
  }

  private void collect(Completed<Q, A> done) {
    Call<Q> call = done.call();
    call.progress().callEnded();
    if (owned.get(call.partition()) != call.progress()) {
      log.info(
          "Dropping the outcome of {} request {} at {}@{}: the partition is no longer ours, its"
              + " next owner answers it",
          stage.name(),
          stage.id(call.request()),
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
      for (Completed<Q, A> done : completed) {
        sent.add(producer.send(outcomeRecord(done)));
      }
      producer.flush();
      for (int i = 0; i < completed.size(); i++) {
        Call<Q> call = completed.get(i).call();
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
          "the "
              + stage.name()
              + " worker could not write "
              + completed.size()
              + " outcome(s) and commit "
              + touched
              + "; a restart re-reads from the last commit",
          e);
    }
  }

  private ProducerRecord<String, byte[]> outcomeRecord(Completed<Q, A> done) {
    Call<Q> call = done.call();
    byte[] value =
        stage.outcomes().valueSerde().serializer().serialize(outcomesTopic, done.outcome());
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            outcomesTopic, call.partition().partition(), stage.traceId(call.request()), value);
    stage.outcomeMac().stamp(record.headers(), value);
    record
        .headers()
        .add(
            AnsweredRequests.requestOffsetHeader(stage),
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
            "{} calls still in flight after {} for {}: their requests are left to the next"
                + " owner, which works on them again",
            stage.name(),
            settings.drainTimeout(),
            partitions);
        break;
      }
      try {
        Completed<Q, A> done = completions.poll(left, TimeUnit.NANOSECONDS);
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
      log.warn("Could not close a stage worker's {} cleanly: {}", what, e.toString());
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
        AnsweredRequests.Found found =
            answered.read(partition.partition(), RecoveryMark.of(commit));
        owned.put(
            partition,
            new PartitionProgress(
                commit == null ? -1 : commit.offset(), found.answers(), found.end()));
      }
    }
  }
}
