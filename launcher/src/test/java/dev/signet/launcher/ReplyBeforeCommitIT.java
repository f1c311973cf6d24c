package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.cli.topics.TopicApplier;
import dev.signet.cli.topics.TopicLayout;
import dev.signet.cli.topics.TopicSpec;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.topic.Topics;
import dev.signet.core.trace.TracePartitioner;
import dev.signet.launcher.local.LocalKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The promise behind answering callers before the commit (issue 11): every reply a caller could
 * have read is byte for byte what finally commits. The processor runs in its own JVM with a long
 * commit interval and is killed with SIGKILL several times while the replies of its open
 * transaction are out (right after the first replies of a burst, in the middle of steady load, and
 * while it replays what the previous kill aborted). A reader of the replies topic sees the aborted
 * copies too ({@code read_uncommitted}, as ingress reads it): each copy must equal the one that
 * committed, and each reply's receipt must be, byte for byte, the receipt that committed for its
 * trace and hop. Retries with an idempotency key are mixed in and must replay the same receipt.
 */
class ReplyBeforeCommitIT {

  private static final int PARTITIONS = 2;
  private static final int TRACES = 12;
  private static final Duration COMMIT_INTERVAL = Duration.ofMillis(1500);
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private LocalKafka broker;
  private Path stateDir;
  private Path logDir;
  private Process processor;
  private int starts;
  private KafkaProducer<String, byte[]> producer;
  private ReplyReader replies;
  private final Map<String, Integer> nextHop = new HashMap<>();

  /** Correlation id → the idempotency key and body of the request it was sent with. */
  private final Map<String, String> sentKeys = new HashMap<>();

  @BeforeEach
  void startBroker() throws Exception {
    broker =
        new LocalKafka(
            Files.createTempDirectory("signet-reply-it-kafka"),
            PipelineIT.freePort(),
            PipelineIT.freePort());
    try (Admin admin =
        TopicApplier.connect(
            broker.bootstrapServers(), KafkaClientProperties.none(), "reply-it-topics")) {
      new TopicApplier(admin)
          .apply(TopicSpec.all(new TopicLayout(PARTITIONS, (short) 1, OptionalInt.empty())), false);
    }
    stateDir = Files.createTempDirectory("signet-reply-it-state");
    logDir = Files.createTempDirectory("signet-reply-it-logs");
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
    replies = new ReplyReader(broker.bootstrapServers());
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (processor != null) {
      processor.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (replies != null) {
      replies.close();
    }
    if (producer != null) {
      producer.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldCommitExactlyTheRepliesCallersReadBeforeTheCommitAcrossKills() throws Exception {
    String seed = newSigningSeed();
    startProcessor(seed);

    // Kill 1: just after the first replies of a burst, long before the commit.
    List<String> burst = sendRound(0);
    awaitReplies(burst, 1);
    kill();

    // Kill 2: in the middle of steady load, while its replays of the first kill's records are
    // answered and new records arrive.
    startProcessor(seed);
    List<String> steady = new ArrayList<>();
    for (int round = 1; round <= 3; round++) {
      steady.addAll(sendRound(round));
    }
    awaitReplies(steady, steady.size() / 2);
    kill();

    // Kill 3: while replaying what kill 2 aborted, as soon as the first replay is answered.
    long copiesBefore = replies.totalCopies();
    startProcessor(seed);
    await().atMost(TIMEOUT).until(() -> replies.totalCopies() > copiesBefore);
    kill();

    startProcessor(seed);
    List<String> all = new ArrayList<>(sentKeys.keySet());
    all.addAll(sendRound(4));
    awaitReplies(all, all.size());

    Map<String, List<byte[]>> copies = replies.copies();
    Set<String> answeredPositions =
        copies.values().stream()
            .map(answers -> positionOf(ExchangeResult.fromWire(answers.get(0))))
            .collect(Collectors.toSet());
    // Callers were answered before the commit: wait until it happened.
    Map<String, byte[]> committed = committedReceipts(answeredPositions);

    // Every caller was answered, and every copy of an answer is the same bytes.
    assertThat(copies.keySet()).containsAll(sentKeys.keySet());
    long replayedAnswers = copies.values().stream().filter(answers -> answers.size() > 1).count();
    System.out.printf(
        "ReplyBeforeCommitIT: %d requests, %d reply copies read, %d answers written again after a"
            + " kill, %d receipts committed%n",
        sentKeys.size(), replies.totalCopies(), replayedAnswers, committed.size());
    assertThat(replayedAnswers)
        .as("some answers were read from a transaction a kill aborted and were written again")
        .isPositive();
    copies.forEach(
        (correlation, answers) ->
            assertThat(answers)
                .as("every copy of the answer to %s", correlation)
                .allSatisfy(answer -> assertThat(answer).isEqualTo(answers.get(0))));

    // Every answer's receipt is, byte for byte, the one that committed for its trace and hop.
    for (Map.Entry<String, List<byte[]>> answer : copies.entrySet()) {
      byte[] bytes = answer.getValue().get(0);
      ExchangeResult result = ExchangeResult.fromWire(bytes);
      assertThat(result.status()).as(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(200);
      String position = positionOf(result);
      assertThat(committed).as("a committed receipt for %s", position).containsKey(position);
      assertThat(new String(bytes, StandardCharsets.UTF_8))
          .as("the answer to %s embeds the committed receipt of %s", answer.getKey(), position)
          .contains("\"receipt\":" + new String(committed.get(position), StandardCharsets.UTF_8));
    }

    // One receipt per exchange (retries replayed, not issued again), no gap, no fork.
    long retries = sentKeys.values().stream().filter(key -> key.endsWith("#retry")).count();
    assertThat(committed).hasSize(sentKeys.size() - (int) retries);
    Map<String, Set<Integer>> hopsByTrace =
        committed.keySet().stream()
            .collect(
                Collectors.groupingBy(
                    position -> position.substring(0, position.indexOf('#')),
                    Collectors.mapping(
                        position -> Integer.parseInt(position.substring(position.indexOf('#') + 1)),
                        Collectors.toSet())));
    hopsByTrace.forEach(
        (trace, hops) ->
            assertThat(hops)
                .as("hops of %s", trace)
                .isEqualTo(
                    IntStream.rangeClosed(1, hops.size()).boxed().collect(Collectors.toSet())));
  }

  @Test
  void shouldRefuseToSignWithANewKeyAfterAKill() throws Exception {
    startProcessor(newSigningSeed());
    List<String> sent = sendRound(0);
    awaitReplies(sent, 1);
    kill();

    startProcessor(newSigningSeed());

    assertThat(processor.waitFor(120, TimeUnit.SECONDS)).as("the processor gave up").isTrue();
    assertThat(processor.exitValue()).isNotZero();
    assertThat(Files.readString(logDir.resolve("processor-" + starts + ".log")))
        .contains("the signing key changed (kid reply-it-key -> reply-it-key)");
  }

  /** One new hop on every trace; on every third trace also a retry of it with the same key. */
  private List<String> sendRound(int round) throws Exception {
    List<String> correlations = new ArrayList<>();
    for (int t = 0; t < TRACES; t++) {
      String trace = "reply-it-" + t;
      int hop = nextHop.merge(trace, 1, Integer::sum);
      String key = trace + "-hop-" + hop;
      byte[] body = PipelineIT.invoice(trace, hop + "." + round).getBytes(StandardCharsets.UTF_8);
      correlations.add(send(trace, key, body, key));
      if (t % 3 == 0) {
        correlations.add(send(trace, key, body, key + "#retry"));
      }
    }
    producer.flush();
    return correlations;
  }

  private String send(String trace, String idempotencyKey, byte[] body, String label)
      throws Exception {
    String correlation = "corr-" + label;
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            Topics.EXCHANGE_REQUESTS.name(),
            TracePartitioner.partition(trace, PARTITIONS),
            trace,
            body);
    SignetHeaders.put(record.headers(), SignetHeaders.API_KEY, "demo_key");
    SignetHeaders.put(record.headers(), SignetHeaders.IDEMPOTENCY_KEY, idempotencyKey);
    SignetHeaders.put(record.headers(), SignetHeaders.CORRELATION_ID, correlation);
    producer.send(record).get();
    sentKeys.put(correlation, label);
    return correlation;
  }

  private void awaitReplies(List<String> correlations, int atLeast) {
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> replies.answered(correlations) >= atLeast);
  }

  private void startProcessor(String seed) throws IOException {
    starts++;
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
            java.toString(),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            SignetLauncher.class.getName(),
            "processor");
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("SP_"));
    env.put("SP_KAFKA_BOOTSTRAP", broker.bootstrapServers());
    env.put("SP_PRIVATE_KEY_B64", seed);
    env.put("SP_KID", "reply-it-key");
    env.put("SP_API_KEYS", "{\"demo_key\":{\"tenant\":\"demo\"}}");
    env.put("SP_STATE_DIR", stateDir.toString());
    env.put("SP_COMMIT_INTERVAL_MS", Long.toString(COMMIT_INTERVAL.toMillis()));
    env.put("SP_STREAM_THREADS", "1");
    env.put("SP_INSTANCE_ID", "reply-it");
    env.put("SP_METRICS_PORT", Integer.toString(PipelineIT.freePort()));
    builder.redirectErrorStream(true);
    builder.redirectOutput(logDir.resolve("processor-" + starts + ".log").toFile());
    processor = builder.start();
  }

  /** SIGKILL: no close, no commit; the open transaction is left for the broker to abort. */
  private void kill() throws InterruptedException {
    processor.destroyForcibly();
    assertThat(processor.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private static String newSigningSeed() {
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(seed);
  }

  private static String positionOf(ExchangeResult result) {
    JsonNode receipt = result.body().tree().get("receipt");
    return receipt == null
        ? "no receipt: " + result.code()
        : receipt.get("trace_id").asText() + "#" + receipt.get("hop").asInt();
  }

  /**
   * Every receipt that committed, by {@code trace#hop}, as the bytes the topic holds, read until
   * {@code expected} are all there; a second receipt for a position fails the test.
   */
  private Map<String, byte[]> committedReceipts(Set<String> expected) {
    Map<String, byte[]> receipts = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer("read_committed")) {
      List<TopicPartition> partitions = partitions(consumer, Topics.RECEIPTS.name());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(TIMEOUT)
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  JsonNode receipt = Json.parse(new String(record.value(), StandardCharsets.UTF_8));
                  String position =
                      receipt.get("trace_id").asText() + "#" + receipt.get("hop").asInt();
                  byte[] previous = receipts.putIfAbsent(position, record.value());
                  assertThat(previous).as("a second receipt for %s", position).isNull();
                }
                return receipts.keySet().containsAll(expected);
              });
      // Anything committed beyond what callers saw would be a receipt nobody was answered with.
      consumer.poll(Duration.ofSeconds(2)).forEach(record -> receipts.put("unexpected", null));
    }
    return receipts;
  }

  private static KafkaConsumer<String, byte[]> consumer(String isolation, String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private KafkaConsumer<String, byte[]> consumer(String isolation) {
    return consumer(isolation, broker.bootstrapServers());
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<String, byte[]> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(info -> new TopicPartition(topic, info.partition()))
        .toList();
  }

  /** Reads the early replies topic as ingress does (read_uncommitted), keeping every copy. */
  private static final class ReplyReader implements AutoCloseable {
    private final Map<String, List<byte[]>> copies = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    ReplyReader(String bootstrap) {
      KafkaConsumer<String, byte[]> consumer = consumer("read_uncommitted", bootstrap);
      List<TopicPartition> partitions = partitions(consumer, Topics.EXCHANGE_REPLIES.name());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      thread =
          new Thread(
              () -> {
                try (consumer) {
                  while (running) {
                    for (ConsumerRecord<String, byte[]> record :
                        consumer.poll(Duration.ofMillis(50))) {
                      String correlation =
                          SignetHeaders.text(record.headers(), SignetHeaders.CORRELATION_ID);
                      copies
                          .computeIfAbsent(correlation, c -> new CopyOnWriteArrayList<>())
                          .add(record.value());
                    }
                  }
                }
              },
              "reply-it-reader");
      thread.start();
    }

    long totalCopies() {
      return copies.values().stream().mapToLong(List::size).sum();
    }

    long answered(List<String> correlations) {
      return correlations.stream().filter(copies::containsKey).count();
    }

    Map<String, List<byte[]>> copies() {
      return Map.copyOf(copies);
    }

    @Override
    public void close() {
      running = false;
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
