package dev.signet.processor.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.RepairMacs;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.json.Json;
import dev.signet.core.message.RepairOutcome;
import dev.signet.core.message.RepairRequest;
import dev.signet.core.topic.Topics;
import dev.signet.processor.stage.StageWorkerSettings;
import dev.signet.shell.ConsumerLoop;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The repair worker through a real broker: one MAC-stamped outcome per request on the request's
 * partition, slow calls that delay nobody else, refused forgeries, the concurrency bound, and no
 * second model call for a request answered before a restart. Each test has its own topics.
 */
class RepairWorkerIT {

  private static final int PARTITIONS = 3;
  private static final ServerSecret SECRET =
      ServerSecret.parse("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
  private static final ServerSecret OTHER_SECRET =
      ServerSecret.parse("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=");
  private static final RepairMacs MACS = RepairMacs.of(SECRET);
  private static final AtomicInteger TOPIC_SEQUENCE = new AtomicInteger();

  private static EmbeddedKafkaKraftBroker broker;

  private String requests;
  private String outcomes;
  private String group;
  private KafkaProducer<String, byte[]> producer;
  private final List<ConsumerLoop> workers = new ArrayList<>();

  @BeforeAll
  static void startBroker() {
    broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
    broker.brokerProperties(
        Map.of(
            "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
    broker.afterPropertiesSet();
  }

  @AfterAll
  static void stopBroker() {
    broker.destroy();
  }

  @BeforeEach
  void topics() {
    int n = TOPIC_SEQUENCE.incrementAndGet();
    requests = "repair-requests-it-" + n;
    outcomes = "repair-outcomes-it-" + n;
    group = "repair-worker-it-" + n;
    broker.addTopics(
        new NewTopic(requests, PARTITIONS, (short) 1),
        new NewTopic(outcomes, PARTITIONS, (short) 1));
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  @AfterEach
  void stop() {
    workers.forEach(ConsumerLoop::close);
    producer.close();
  }

  @Test
  void shouldWriteOneMacStampedOutcomePerRequestOnTheRequestsPartitionKeyedByTrace()
      throws Exception {
    ScriptedModel model = new ScriptedModel();
    model.script("args-slowish", Duration.ofMillis(200), replied("{\"b\":2}"));
    MeterRegistry meters = new SimpleMeterRegistry();
    start(model, settings(4), meters, "w1");
    Map<String, Integer> partitionOf = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      String args = p == 1 ? "args-slowish" : "args-" + p;
      RepairRequest request = request("r" + p, "trace-" + p, args);
      partitionOf.put(request.repairId(), p);
      send(p, request, Mac.VALID);
    }

    Map<String, ConsumerRecord<String, byte[]>> written = awaitOutcomes(partitionOf.keySet());

    for (Map.Entry<String, Integer> expected : partitionOf.entrySet()) {
      ConsumerRecord<String, byte[]> record = written.get(expected.getKey());
      int p = expected.getValue();
      assertThat(record.partition()).as("partition of %s", expected.getKey()).isEqualTo(p);
      assertThat(record.key()).isEqualTo("trace-" + p);
      assertThat(MACS.outcome().verify(record.headers(), record.value())).isTrue();
      RepairOutcome outcome = decode(record);
      assertThat(outcome.traceId()).isEqualTo("trace-" + p);
      assertThat(outcome.tenant()).isEqualTo("demo");
      assertThat(outcome.status()).isEqualTo(RepairOutcome.Status.REPLIED);
      assertThat(outcome.content()).isEqualTo(p == 1 ? "{\"b\":2}" : "{\"fixed\":true}");
      assertThat(outcome.fuTokens()).isEqualTo(42);
      assertThat(outcome.model()).isEqualTo("stub-model");
      assertThat(outcome.attempts()).isEqualTo(1);
      assertThat(outcome.errorCode()).isNull();
      assertThat(outcome.error()).isNull();
      assertThat(Instant.parse(outcome.completedAt())).isBeforeOrEqualTo(Instant.now());
    }
    assertThat(decode(written.get("r1")).durationMs()).isGreaterThanOrEqualTo(200);
    assertThat(model.callsFor("args-0") + model.callsFor("args-slowish") + model.callsFor("args-2"))
        .isEqualTo(3);
    assertThat(meters.get("signet_repair_calls").tag("result", "replied").counter().count())
        .isEqualTo(3);
    assertThat(meters.get("signet_repair_call_seconds").timer().count()).isEqualTo(3);
  }

  @Test
  void shouldNotDelayAnUnrelatedRequestBehindATenSecondCall() throws Exception {
    ScriptedModel model = new ScriptedModel();
    model.script("args-slow", Duration.ofSeconds(10), replied("{\"slow\":true}"));
    start(
        model, settings(StageWorkerSettings.DEFAULT_CONCURRENCY), new SimpleMeterRegistry(), "w1");
    // Same partition, slow one first: the worst case for head-of-line blocking.
    send(0, request("slow", "trace-slow", "args-slow"), Mac.VALID);
    await().atMost(Duration.ofSeconds(30)).until(() -> model.callsFor("args-slow") == 1);
    long sentAt = System.nanoTime();
    RecordMetadata fast = send(0, request("fast", "trace-fast", "args-fast"), Mac.VALID);

    ConsumerRecord<String, byte[]> outcome = awaitOutcomes(Set.of("fast")).get("fast");
    Duration seen = Duration.ofNanos(System.nanoTime() - sentAt);
    // Broker-side create times of request and outcome: the worker's share, without the reader's.
    Duration written = Duration.ofMillis(outcome.timestamp() - fast.timestamp());

    System.out.printf(
        "RepairWorkerIT: behind a 10 s call, the fast outcome was written %d ms after its request"
            + " and seen by a reader after %d ms%n",
        written.toMillis(), seen.toMillis());
    assertThat(written).isLessThan(Duration.ofSeconds(2));
    assertThat(seen).isLessThan(Duration.ofSeconds(3));
    assertThat(model.callsFor("args-slow")).as("the slow call is still in flight").isEqualTo(1);
    assertThat(readOutcomes()).doesNotContainKey("slow");
  }

  @Test
  void shouldRecordFailedRepliesAsFailedOutcomesWithoutTokens() throws Exception {
    ScriptedModel model = new ScriptedModel();
    model.script(
        "args-failing",
        Duration.ZERO,
        new ModelReply.Failed("MODEL_HTTP_500", "upstream said 500", 3));
    MeterRegistry meters = new SimpleMeterRegistry();
    start(model, settings(2), meters, "w1");
    send(2, request("failing", "trace-failing", "args-failing"), Mac.VALID);

    RepairOutcome outcome = decode(awaitOutcomes(Set.of("failing")).get("failing"));

    assertThat(outcome.status()).isEqualTo(RepairOutcome.Status.FAILED);
    assertThat(outcome.fuTokens()).isZero();
    assertThat(outcome.content()).isNull();
    assertThat(outcome.errorCode()).isEqualTo("MODEL_HTTP_500");
    assertThat(outcome.error()).isEqualTo("upstream said 500");
    assertThat(outcome.attempts()).isEqualTo(3);
    assertThat(meters.get("signet_repair_calls").tag("result", "failed").counter().count())
        .isEqualTo(1);
  }

  @Test
  void shouldNeverSendAForgedOrUnreadableRequestToTheModel() throws Exception {
    ScriptedModel model = new ScriptedModel();
    MeterRegistry meters = new SimpleMeterRegistry();
    start(model, settings(4), meters, "w1");
    send(1, request("no-mac", "trace-1", "args-no-mac"), Mac.NONE);
    send(1, request("bad-mac", "trace-1", "args-bad-mac"), Mac.OTHER_SECRET);
    byte[] unreadable = "{\"repair_id\":".getBytes(StandardCharsets.UTF_8);
    ProducerRecord<String, byte[]> garbled =
        new ProducerRecord<>(requests, 1, "trace-1", unreadable);
    MACS.request().stamp(garbled.headers(), unreadable);
    producer.send(garbled).get();
    RecordMetadata genuine = send(1, request("genuine", "trace-1", "args-genuine"), Mac.VALID);

    awaitOutcomes(Set.of("genuine"));

    assertThat(model.callsFor("args-no-mac")).isZero();
    assertThat(model.callsFor("args-bad-mac")).isZero();
    assertThat(model.totalCalls()).isEqualTo(1);
    assertThat(readOutcomes()).containsOnlyKeys("genuine");
    for (String reason : List.of("missing_mac", "bad_mac", "unreadable")) {
      assertThat(
              meters.get("signet_repair_requests_refused").tag("reason", reason).counter().count())
          .as(reason)
          .isEqualTo(1);
    }
    assertThat(committed().get(new TopicPartition(requests, 1)).offset())
        .as("refused records are committed over")
        .isEqualTo(genuine.offset() + 1);
  }

  @Test
  void shouldNotCallTheModelAgainForRequestsAnsweredBeforeARestart() throws Exception {
    ScriptedModel model = new ScriptedModel();
    // The first call of the head request never completes in the first worker's life, so the
    // outcomes of the requests behind it are written while the committed offset stays at it.
    model.script("args-stuck", Duration.ofMinutes(5), replied("{\"never\":true}"));
    model.script("args-stuck", Duration.ZERO, replied("{\"stuck\":\"answered\"}"));
    ConsumerLoop first = start(model, settings(4), new SimpleMeterRegistry(), "first");
    RecordMetadata head = send(0, request("stuck", "trace-s", "args-stuck"), Mac.VALID);
    List<String> behind = List.of("b1", "b2", "b3", "b4");
    for (String id : behind) {
      send(0, request(id, "trace-" + id, "args-" + id), Mac.VALID);
    }
    awaitOutcomes(Set.copyOf(behind));
    first.close();
    TopicPartition partition = new TopicPartition(requests, 0);
    assertThat(committed().get(partition).offset())
        .as("nothing committed past the unanswered head request")
        .isEqualTo(head.offset());
    assertThat(readOutcomes()).doesNotContainKey("stuck");
    RecordMetadata last = send(0, request("after", "trace-after", "args-after"), Mac.VALID);

    start(model, settings(4), new SimpleMeterRegistry(), "second");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              OffsetAndMetadata commit = committed().get(partition);
              return commit != null && commit.offset() > last.offset();
            });

    for (String id : behind) {
      assertThat(model.callsFor("args-" + id)).as("calls for %s", id).isEqualTo(1);
    }
    assertThat(model.callsFor("args-stuck")).isEqualTo(2);
    assertThat(model.callsFor("args-after")).isEqualTo(1);
    Map<String, Long> outcomesPerRepair =
        readAllOutcomes().stream()
            .collect(Collectors.groupingBy(o -> o.repairId(), Collectors.counting()));
    assertThat(outcomesPerRepair)
        .containsOnlyKeys("stuck", "b1", "b2", "b3", "b4", "after")
        .allSatisfy((id, count) -> assertThat(count).as("outcomes of %s", id).isEqualTo(1));
    assertThat(decode(readOutcomes().get("stuck")).content()).isEqualTo("{\"stuck\":\"answered\"}");
  }

  @Test
  void shouldAnswerEachRequestOnceWhileItsPartitionsMoveToASecondWorker() throws Exception {
    ScriptedModel model = new ScriptedModel();
    model.defaultLatency(Duration.ofMillis(200));
    StageWorkerSettings settings = settings(2).withDrainTimeout(Duration.ofSeconds(10));
    MeterRegistry firstMeters = new SimpleMeterRegistry();
    MeterRegistry secondMeters = new SimpleMeterRegistry();
    start(model, settings, firstMeters, "first");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(sendNumbered(i));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> model.totalCalls() >= 2);

    start(model, settings, secondMeters, "second");
    // Requests keep coming until the second worker has answered some: the partitions moved.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              ids.add(sendNumbered(ids.size()));
              return secondMeters
                      .get("signet_repair_calls")
                      .tag("result", "replied")
                      .counter()
                      .count()
                  > 0;
            });
    awaitOutcomes(Set.copyOf(ids));

    assertThat(secondMeters.get("signet_repair_calls").tag("result", "replied").counter().count())
        .as("the second worker took partitions over")
        .isPositive();
    assertThat(firstMeters.get("signet_repair_calls").tag("result", "replied").counter().count())
        .isPositive();
    for (int i = 0; i < ids.size(); i++) {
      assertThat(model.callsFor("args-" + i)).as("calls for %s", ids.get(i)).isEqualTo(1);
    }
    assertThat(
            readAllOutcomes().stream()
                .collect(Collectors.groupingBy(o -> o.repairId(), Collectors.counting())))
        .containsOnlyKeys(ids)
        .allSatisfy((id, count) -> assertThat(count).as("outcomes of %s", id).isEqualTo(1));
  }

  @Test
  void shouldKeepCallsInFlightWithinTheConcurrencyLimit() throws Exception {
    ScriptedModel model = new ScriptedModel();
    model.defaultLatency(Duration.ofMillis(150));
    MeterRegistry meters = new SimpleMeterRegistry();
    start(model, settings(3), meters, "w1");
    List<String> ids = IntStream.range(0, 15).mapToObj(i -> "c" + i).toList();
    for (int i = 0; i < ids.size(); i++) {
      send(i % PARTITIONS, request(ids.get(i), "trace-" + i, "args-" + i), Mac.VALID);
    }

    awaitOutcomes(Set.copyOf(ids));

    assertThat(model.maxInFlight()).isLessThanOrEqualTo(3).isGreaterThan(1);
    assertThat(model.totalCalls()).isEqualTo(15);
    assertThat(meters.get("signet_repair_calls_in_flight").gauge().value()).isZero();
  }

  // --- helpers ---

  private enum Mac {
    VALID,
    NONE,
    OTHER_SECRET
  }

  private static StageWorkerSettings settings(int concurrency) {
    return new StageWorkerSettings(
        concurrency, Duration.ofMillis(50), Duration.ofMillis(300), 10_000);
  }

  private ConsumerLoop start(
      ModelClient model, StageWorkerSettings settings, MeterRegistry meters, String instance) {
    ConsumerLoop loop =
        RepairWorker.create(
            broker.getBrokersAsString(),
            KafkaClientProperties.none(),
            group,
            instance,
            SECRET,
            model,
            settings,
            meters,
            requests,
            outcomes);
    workers.add(loop);
    loop.start();
    return loop;
  }

  /** Request number {@code i}: repair id {@code m<i>}, arguments {@code args-<i>}. */
  private String sendNumbered(int i) throws Exception {
    send(i % PARTITIONS, request("m" + i, "trace-" + i, "args-" + i), Mac.VALID);
    return "m" + i;
  }

  private static RepairRequest request(String repairId, String trace, String arguments) {
    return new RepairRequest(
        repairId,
        trace,
        "demo",
        "invoice",
        "Invoice",
        Json.parse("{\"type\":\"object\"}"),
        arguments,
        "strict parse failed",
        500,
        Instant.now().toString());
  }

  private RecordMetadata send(int partition, RepairRequest request, Mac mac) throws Exception {
    byte[] value =
        Topics.EXCHANGE_REPAIR_REQUESTS.valueSerde().serializer().serialize(requests, request);
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(requests, partition, request.traceId(), value);
    switch (mac) {
      case VALID -> MACS.request().stamp(record.headers(), value);
      case OTHER_SECRET -> RepairMacs.of(OTHER_SECRET).request().stamp(record.headers(), value);
      case NONE -> {}
    }
    return producer.send(record).get();
  }

  private static RepairOutcome decode(ConsumerRecord<String, byte[]> record) {
    return Topics.EXCHANGE_REPAIR_OUTCOMES
        .valueSerde()
        .deserializer()
        .deserialize(record.topic(), record.value());
  }

  /** Waits until every id has a committed outcome; returns the outcome records by repair id. */
  private Map<String, ConsumerRecord<String, byte[]>> awaitOutcomes(Set<String> ids) {
    Map<String, ConsumerRecord<String, byte[]>> seen = new HashMap<>();
    try (KafkaConsumer<String, byte[]> reader = outcomeReader()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(1))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(20))) {
                  seen.put(decode(r).repairId(), r);
                }
                return seen.keySet().containsAll(ids);
              });
    }
    return seen;
  }

  /** Every committed outcome now in the topic, the last one per repair id. */
  private Map<String, ConsumerRecord<String, byte[]>> readOutcomes() {
    Map<String, ConsumerRecord<String, byte[]>> byId = new HashMap<>();
    readAll().forEach(r -> byId.put(decode(r).repairId(), r));
    return byId;
  }

  private List<RepairOutcome> readAllOutcomes() {
    return readAll().stream().map(RepairWorkerIT::decode).toList();
  }

  private List<ConsumerRecord<String, byte[]>> readAll() {
    List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> reader = outcomeReader()) {
      List<TopicPartition> partitions = reader.assignment().stream().toList();
      Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                reader.poll(Duration.ofMillis(50)).forEach(all::add);
                return partitions.stream().allMatch(p -> reader.position(p) >= ends.get(p));
              });
    }
    return all;
  }

  private KafkaConsumer<String, byte[]> outcomeReader() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(outcomes, p)).toList();
    reader.assign(partitions);
    reader.seekToBeginning(partitions);
    return reader;
  }

  private Map<TopicPartition, OffsetAndMetadata> committed() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }
  }

  private static ModelReply replied(String content) {
    return new ModelReply.Replied(content, 42, "stub-model", 1);
  }

  /**
   * A model scripted per arguments text: the n-th call for a text takes the n-th step (the last
   * step repeats), sleeping its latency first; counts calls and the most in flight at once. An
   * interrupted sleep (the worker closing) is a failed call.
   */
  private static final class ScriptedModel implements ModelClient {

    private record Step(Duration latency, ModelReply reply) {}

    private final Map<String, List<Step>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Duration defaultLatency = Duration.ZERO;

    void script(String arguments, Duration latency, ModelReply reply) {
      scripts.computeIfAbsent(arguments, a -> new ArrayList<>()).add(new Step(latency, reply));
    }

    void defaultLatency(Duration latency) {
      defaultLatency = latency;
    }

    int callsFor(String arguments) {
      AtomicInteger count = calls.get(arguments);
      return count == null ? 0 : count.get();
    }

    int totalCalls() {
      return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    int maxInFlight() {
      return maxInFlight.get();
    }

    @Override
    public ModelReply repair(RepairRequest request) {
      int n =
          calls.computeIfAbsent(request.arguments(), a -> new AtomicInteger()).getAndIncrement();
      List<Step> steps = scripts.getOrDefault(request.arguments(), List.of());
      Step step =
          steps.isEmpty()
              ? new Step(defaultLatency, replied("{\"fixed\":true}"))
              : steps.get(Math.min(n, steps.size() - 1));
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        Thread.sleep(step.latency().toMillis());
        return step.reply();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ModelReply.Failed("MODEL_TIMEOUT", "interrupted", 1);
      } finally {
        inFlight.decrementAndGet();
      }
    }

    @Override
    public void close() {}
  }
}
