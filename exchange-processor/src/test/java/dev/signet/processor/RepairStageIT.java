package dev.signet.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.RepairMacs;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.FuCharge;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.RepairOutcome;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptTimestamps;
import dev.signet.core.receipt.Repair;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.tenant.ApiKeysConfig;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.TopicConfigs;
import dev.signet.core.topic.Topics;
import dev.signet.core.trace.TracePartitioner;
import dev.signet.core.types.TypeRegistry;
import dev.signet.processor.repair.ModelSettings;
import dev.signet.shell.Service;
import dev.signet.shell.ServiceGroup;
import dev.signet.stubs.ModelReplyScript;
import dev.signet.stubs.ModelStub;
import dev.signet.stubs.ReceivedCall;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The LLM repair stage end to end on a real KRaft broker under exactly_once_v2: the processor
 * service (Streams application and repair worker) as {@link ExchangeProcessorService} builds it,
 * the real openai-java client against the loopback {@link ModelStub}, requests published as an
 * async producer does, results and receipts read read_committed. Each test has its own broker, stub
 * and processor, so no test sees another's records or model calls.
 */
class RepairStageIT {

  private static final SigningKey KEY = SigningKey.generate("repair-it-kid");
  private static final ServerSecret SECRET = ExchangeTopologyTest.SECRET;
  private static final int PARTITIONS = 2;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final long DEMO_LIMIT = 1_000_000;
  private static final long CAPPED_LIMIT = 20_000;
  private static final String API_KEYS =
      """
      {"demo_key": {"tenant": "demo", "fallback_enabled": true, "fu_monthly_limit": 1000000},
       "capped_key": {"tenant": "capped", "fallback_enabled": true, "fu_monthly_limit": 20000}}""";

  /** No parser rung reads these: the closing brace is missing (and the amount is a string). */
  private static final String BROKEN =
      "{invoice_id: 'INV-1', amount: '12.50', currency: 'EUR', customer_name: 'ACME'";

  private static final String REPAIRED =
      "{\"invoice_id\":\"INV-1\",\"amount\":12.50,\"currency\":\"EUR\",\"customer_name\":\"ACME\"}";
  private static final String AMOUNT_CHANGED =
      "{\"invoice_id\":\"INV-1\",\"amount\":125.00,\"currency\":\"EUR\",\"customer_name\":\"ACME\"}";
  private static final String BROKEN_2 =
      "{invoice_id: 'INV-2', amount: '7.00', currency: 'EUR', customer_name: 'ACME'";
  private static final String REPAIRED_2 =
      "{\"invoice_id\":\"INV-2\",\"amount\":7.00,\"currency\":\"EUR\",\"customer_name\":\"ACME\"}";
  private static final String CLEAN = ExchangeTopologyTest.invoiceArguments("10.00", "EUR");

  private EmbeddedKafkaKraftBroker broker;
  private ModelStub stub;
  private KafkaProducer<String, byte[]> producer;
  private Collector collector;
  private final List<Service> services = new ArrayList<>();

  @BeforeEach
  void startBrokerAndStub() {
    broker =
        new EmbeddedKafkaKraftBroker(
            1, PARTITIONS, Topics.all().stream().map(Topic::name).toArray(String[]::new));
    broker.brokerProperties(
        Map.of(
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "transaction.state.log.num.partitions", "4",
            "offsets.topic.num.partitions", "4",
            "group.initial.rebalance.delay.ms", "0"));
    broker.afterPropertiesSet();
    TopicConfigs.apply(broker.getBrokersAsString());
    // Any call a test did not script is answered 500, so it shows as a failure, not a repair.
    stub = ModelStub.start(ModelReplyScript.status(500));
    Map<String, Object> props =
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    collector =
        new Collector(
            broker.getBrokersAsString(),
            List.of(
                Topics.EXCHANGE_RESULTS.name(),
                Topics.RECEIPTS.name(),
                Topics.EXCHANGE_FU_CHARGES.name(),
                Topics.EXCHANGE_REPAIR_OUTCOMES.name()));
  }

  @AfterEach
  void stopEverything() {
    Collections.reverse(services);
    services.forEach(Service::close);
    collector.close();
    producer.close();
    stub.close();
    broker.destroy();
  }

  @Test
  void shouldIssueAReceiptFromTheModelsRepairWithItsTokensAndHashes() throws Exception {
    stub.enqueue(ModelReplyScript.content(REPAIRED, 300, 21));
    startProcessor(newStateDir(), 1);

    send("demo_key", "trace-repaired", BROKEN);
    ExchangeResult result = awaitResults("trace-repaired", 1).get(0);
    Receipt receipt = awaitReceipts("trace-repaired", 1).get(0);

    assertThat(result.status()).isEqualTo(200);
    assertThat(result.body().tree().at("/normalized/Document/Invoice/TotalMinor").asLong())
        .isEqualTo(1250);
    assertThat(receipt.fallbackUsed()).isTrue();
    assertThat(receipt.fuTokens()).isEqualTo(321);
    assertThat(receipt.repair())
        .isEqualTo(
            new Repair(
                "llm_fallback",
                Hashes.sha256(BROKEN),
                Hashes.sha256(Canonical.canonicalBytes(Json.parse(REPAIRED)))));
    assertThat(stub.calls()).isEqualTo(1);
    JsonNode call = stub.lastReceived().json();
    assertThat(call.at("/response_format/type").asText()).isEqualTo("json_schema");
    assertThat(userMessage(stub.lastReceived())).contains(BROKEN);
  }

  @Test
  void shouldRejectARepairThatChangesTheAmountAndChargeItsTokens() throws Exception {
    stub.enqueue(ModelReplyScript.content(AMOUNT_CHANGED, 300, 21));
    startProcessor(newStateDir(), 1);

    send("demo_key", "trace-changed", BROKEN);
    ExchangeResult result = awaitResults("trace-changed", 1).get(0);
    Collector.Seen charged = awaitRecords(Topics.EXCHANGE_FU_CHARGES, "trace-changed", 1).get(0);

    assertThat(result.status()).isEqualTo(422);
    assertThat(result.code()).isEqualTo("SEMANTIC_VIOLATION");
    JsonNode problem = result.body().tree();
    assertThat(problem.path("fu_tokens").asLong()).isEqualTo(321);
    assertThat(problem.path("violations"))
        .singleElement()
        .satisfies(
            violation -> {
              assertThat(violation.path("rule").asText()).isEqualTo("preserved");
              assertThat(violation.path("field").asText()).isEqualTo("/amount");
              assertThat(violation.path("expected").asText()).isEqualTo("12.50");
              assertThat(violation.path("actual").asText()).startsWith("125");
            });
    assertThat(RepairMacs.of(SECRET).fuCharge().verify(charged.headers(), charged.value()))
        .isTrue();
    FuCharge charge = Json.read(charged.value(), FuCharge.class);
    assertThat(charge)
        .extracting(FuCharge::traceId, FuCharge::tenant, FuCharge::fuTokens, FuCharge::reason)
        .containsExactly("trace-changed", "demo", 321L, "SEMANTIC_VIOLATION");
    assertThat(stub.calls()).isEqualTo(1);
  }

  @Test
  void shouldRejectAsRepairFailedWithoutAChargeWhenEveryModelAttemptFails() throws Exception {
    // The stub answers 500 to every call it is not scripted for.
    startProcessor(newStateDir(), 1);

    send("demo_key", "trace-failing", BROKEN);
    ExchangeResult failed = awaitResults("trace-failing", 1).get(0);

    assertThat(failed.status()).isEqualTo(422);
    assertThat(failed.code()).isEqualTo("REPAIR_FAILED");
    assertThat(failed.body().tree().path("detail").asText()).contains("MODEL_HTTP_500");
    assertThat(failed.body().tree().has("fu_tokens")).isFalse();
    assertThat(stub.calls()).as("the first attempt and one retry").isEqualTo(2);

    // A charged rejection on the same trace comes after it on the same partitions: the trace's
    // charges then hold that one only, so the failed call left none.
    stub.setDefault(ModelReplyScript.content(AMOUNT_CHANGED, 30, 4));
    send("demo_key", "trace-failing", BROKEN);
    assertThat(awaitResults("trace-failing", 2).get(1).code()).isEqualTo("SEMANTIC_VIOLATION");
    List<FuCharge> charges =
        awaitRecords(Topics.EXCHANGE_FU_CHARGES, "trace-failing", 1).stream()
            .map(seen -> Json.read(seen.value(), FuCharge.class))
            .toList();
    assertThat(charges)
        .extracting(FuCharge::reason, FuCharge::fuTokens)
        .containsExactly(tuple("SEMANTIC_VIOLATION", 34L));
  }

  @Test
  void shouldNotDelayOtherTracesBehindATenSecondModelReply() throws Exception {
    String slow = traceOn(0, "trace-slow");
    String repaired = traceOn(0, "trace-fast-repair");
    String plain = traceOn(0, "trace-plain");
    stub.enqueue(
        ModelReplyScript.content(REPAIRED, 40, 12).after(Duration.ofSeconds(10)),
        ModelReplyScript.content(REPAIRED, 40, 12));
    startProcessor(newStateDir(), 1);

    // All three traces on one partition, so one stream task and one worker partition serve them.
    long slowSent = send("demo_key", slow, BROKEN);
    await().atMost(TIMEOUT).until(() -> stub.calls() == 1);
    long repairSent = send("demo_key", repaired, BROKEN);
    long plainSent = send("demo_key", plain, CLEAN);

    Duration repairLatency = latency(repairSent, awaitSeen(Topics.EXCHANGE_RESULTS, repaired));
    Duration plainLatency = latency(plainSent, awaitSeen(Topics.EXCHANGE_RESULTS, plain));
    Duration slowLatency = latency(slowSent, awaitSeen(Topics.EXCHANGE_RESULTS, slow));

    System.out.printf(
        "RepairStageIT: behind a 10 s model reply on one trace, an unrelated repair was answered"
            + " in %d ms and a plain exchange in %d ms; the slow repair in %d ms%n",
        repairLatency.toMillis(), plainLatency.toMillis(), slowLatency.toMillis());
    assertThat(repairLatency).isLessThan(Duration.ofSeconds(5));
    assertThat(plainLatency).isLessThan(Duration.ofSeconds(5));
    assertThat(slowLatency).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    assertThat(awaitResults(slow, 1)).extracting(ExchangeResult::status).containsExactly(200);
    assertThat(awaitResults(repaired, 1)).extracting(ExchangeResult::status).containsExactly(200);
    assertThat(awaitResults(plain, 1)).extracting(ExchangeResult::status).containsExactly(200);
  }

  @Test
  void shouldNotCallTheModelTwiceWhenRestartedBetweenTheCallAndTheReceipt() throws Exception {
    String trace = "trace-restarted";
    stub.enqueue(
        ModelReplyScript.content(REPAIRED, 40, 12).after(Duration.ofSeconds(2)),
        ModelReplyScript.content(REPAIRED_2, 40, 12));
    Path stateDir = newStateDir();
    ServiceGroup first = startProcessor(stateDir, 1);

    send("demo_key", trace, BROKEN);
    await().atMost(TIMEOUT).until(() -> stub.calls() == 1);
    // The Streams part stops while the model works; the worker records its reply meanwhile.
    first.part("streams").close();
    awaitRecords(Topics.EXCHANGE_REPAIR_OUTCOMES, trace, 1);
    first.close();

    Instant restartedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    startProcessor(stateDir, 1);
    Receipt repaired = awaitReceipts(trace, 1).get(0);
    // A second repair on the trace: the restarted worker reads it after the first request, so a
    // second call for the first would have reached the stub before this one is answered.
    send("demo_key", trace, BROKEN_2);
    List<ExchangeResult> results = awaitResults(trace, 2);

    assertThat(Instant.parse(repaired.ts()))
        .as("the receipt was issued by the restarted processor")
        .isAfterOrEqualTo(restartedAt);
    assertThat(stub.calls()).isEqualTo(2);
    assertThat(stub.received())
        .extracting(RepairStageIT::userMessage)
        .satisfiesExactly(
            call -> assertThat(call).contains(BROKEN), call -> assertThat(call).contains(BROKEN_2));
    assertThat(results).extracting(ExchangeResult::status).containsExactly(200, 200);
    assertThat(receipts(trace))
        .extracting(Receipt::hop, Receipt::fuTokens)
        .containsExactly(tuple(1, 52L), tuple(2, 52L));
    assertThat(seen(Topics.EXCHANGE_REPAIR_OUTCOMES, trace))
        .extracting(seen -> Json.read(seen.value(), RepairOutcome.class).repairId())
        .hasSize(2)
        .doesNotHaveDuplicates();
  }

  @Test
  void shouldRefuseRepairsOverTheMonthlyQuotaOnEveryPartitionAndThread() throws Exception {
    YearMonth month = YearMonth.now(ZoneOffset.UTC);
    Instant resetsAt = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    long used = CAPPED_LIMIT - 100;
    // As billing would: the tenant's FU so far this month, MAC-stamped.
    publishPeriodTotal("capped", month, used, true);
    startProcessor(newStateDir(), 2);

    String onFirst = traceOn(0, "trace-capped");
    String onSecond = traceOn(1, "trace-capped");
    send("capped_key", onFirst, BROKEN);
    send("capped_key", onSecond, BROKEN);
    assertQuotaExceeded(onFirst, used, resetsAt);
    assertQuotaExceeded(onSecond, used, resetsAt);
    assertThat(stub.calls()).isZero();
  }

  @Test
  void shouldIgnorePeriodTotalsWithoutBillingsMac() throws Exception {
    YearMonth month = YearMonth.now(ZoneOffset.UTC);
    Instant resetsAt = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    long used = CAPPED_LIMIT - 100;
    publishPeriodTotal("capped", month, used, true);
    ServiceGroup processor = startProcessor(newStateDir(), 2);
    stub.enqueue(ModelReplyScript.content(REPAIRED_2, 40, 12));

    // Forgeries: one that would lift the capped tenant's quota, one that would exhaust demo's.
    publishPeriodTotal("capped", month, 0, false);
    publishPeriodTotal("demo", month, DEMO_LIMIT, false);
    String whileRunning = traceOn(0, "trace-forged");
    send("capped_key", whileRunning, BROKEN);
    assertQuotaExceeded(whileRunning, used, resetsAt);
    // A new instance rebuilds its global store from the topic, forgeries included.
    processor.close();
    startProcessor(newStateDir(), 2);
    String afterRestart = traceOn(1, "trace-forged-restarted");
    send("capped_key", afterRestart, BROKEN);
    send("demo_key", "trace-demo", BROKEN_2);

    assertQuotaExceeded(afterRestart, used, resetsAt);
    assertThat(awaitResults("trace-demo", 1))
        .extracting(ExchangeResult::status)
        .containsExactly(200);
    assertThat(stub.received())
        .extracting(RepairStageIT::userMessage)
        .singleElement()
        .satisfies(call -> assertThat(call).contains(BROKEN_2));
  }

  private void assertQuotaExceeded(String trace, long used, Instant resetsAt) {
    ExchangeResult result = awaitResults(trace, 1).get(0);
    assertThat(result.status()).isEqualTo(429);
    assertThat(result.code()).isEqualTo("FU_QUOTA_EXCEEDED");
    JsonNode problem = result.body().tree();
    assertThat(problem.path("used").asLong()).isEqualTo(used);
    assertThat(problem.path("limit").asLong()).isEqualTo(CAPPED_LIMIT);
    assertThat(problem.path("resets_at").asText()).isEqualTo(resetsAt.toString());
  }

  private ServiceGroup startProcessor(Path stateDir, int streamThreads) throws Exception {
    ProcessorConfig config =
        new ProcessorConfig(
            broker.getBrokersAsString(),
            "repair-stage-it",
            stateDir,
            Duration.ofMillis(50),
            streamThreads,
            (short) 1,
            ApiKeysConfig.fixed(ApiKeys.parse(API_KEYS)),
            KEY,
            SECRET,
            Admission.Limits.defaults(),
            Duration.ofHours(24),
            "it-0",
            TypeRegistry.builtIn(),
            // One retry, so a failing model is given up on within about a second.
            new ModelSettings(stub.baseUrl(), "gpt-test", "sk-test", TIMEOUT, 1, 4, 256));
    ServiceGroup processor =
        (ServiceGroup) ExchangeProcessorService.create(config, new SimpleMeterRegistry());
    services.add(processor);
    processor.start();
    assertThat(processor.awaitRunning(TIMEOUT)).isTrue();
    return processor;
  }

  private static Path newStateDir() throws Exception {
    return Files.createTempDirectory("signet-repair-stage-it");
  }

  /** Publishes as an async producer does; returns when it was sent ({@link System#nanoTime}). */
  private long send(String apiKey, String trace, String arguments) throws Exception {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            Topics.EXCHANGE_REQUESTS.name(),
            trace,
            Json.toBytes(ExchangeTopologyTest.invoiceRequest(trace, arguments)));
    SignetHeaders.put(record.headers(), SignetHeaders.API_KEY, apiKey);
    long sentAt = System.nanoTime();
    producer.send(record).get();
    return sentAt;
  }

  private void publishPeriodTotal(String tenant, YearMonth month, long units, boolean macStamped)
      throws Exception {
    PeriodTotal total =
        new PeriodTotal(
            tenant,
            month.toString(),
            PeriodTotal.FU,
            units,
            ReceiptTimestamps.format(Instant.now()));
    byte[] value = Json.toBytes(total);
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(Topics.BILLING_PERIOD_TOTALS.name(), total.key(), value);
    if (macStamped) {
      BillingMacs.of(SECRET).periodTotals().stamp(record.headers(), value);
    }
    producer.send(record).get();
  }

  /** A trace id that Signet's partitioner puts on {@code partition}. */
  private static String traceOn(int partition, String prefix) {
    for (int i = 0; ; i++) {
      String trace = prefix + "-" + i;
      if (TracePartitioner.partition(trace, PARTITIONS) == partition) {
        return trace;
      }
    }
  }

  private static String userMessage(ReceivedCall call) {
    return call.json().at("/messages/1/content").asText();
  }

  private static Duration latency(long sentAtNanos, Collector.Seen seen) {
    return Duration.ofNanos(seen.atNanos() - sentAtNanos);
  }

  private List<ExchangeResult> awaitResults(String trace, int count) {
    return decode(awaitRecords(Topics.EXCHANGE_RESULTS, trace, count), Topics.EXCHANGE_RESULTS);
  }

  private List<Receipt> awaitReceipts(String trace, int count) {
    return decode(awaitRecords(Topics.RECEIPTS, trace, count), Topics.RECEIPTS);
  }

  private List<Receipt> receipts(String trace) {
    return decode(seen(Topics.RECEIPTS, trace), Topics.RECEIPTS);
  }

  private Collector.Seen awaitSeen(Topic<String, ?> topic, String trace) {
    return awaitRecords(topic, trace, 1).get(0);
  }

  private List<Collector.Seen> awaitRecords(Topic<String, ?> topic, String trace, int count) {
    await().atMost(TIMEOUT).until(() -> seen(topic, trace).size() >= count);
    return seen(topic, trace);
  }

  private List<Collector.Seen> seen(Topic<String, ?> topic, String trace) {
    return collector.seen(topic.name(), trace);
  }

  private static <V> List<V> decode(List<Collector.Seen> seen, Topic<String, V> topic) {
    Function<Collector.Seen, V> read =
        record -> topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
    return seen.stream().map(read).toList();
  }

  /**
   * Reads the output topics read_committed from the start, on its own thread, and keeps every
   * record with the moment it was read, so a test can wait for records and time them.
   */
  private static final class Collector implements AutoCloseable {

    record Seen(String topic, String key, byte[] value, Headers headers, long atNanos) {}

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    Collector(String bootstrapServers, List<String> topics) {
      KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrapServers,
                  ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                  "read_committed",
                  ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                  10),
              new StringDeserializer(),
              new ByteArrayDeserializer());
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        for (int p = 0; p < PARTITIONS; p++) {
          partitions.add(new TopicPartition(topic, p));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      thread =
          new Thread(
              () -> {
                try (consumer) {
                  while (running) {
                    for (ConsumerRecord<String, byte[]> record :
                        consumer.poll(Duration.ofMillis(20))) {
                      seen.add(
                          new Seen(
                              record.topic(),
                              record.key(),
                              record.value(),
                              record.headers(),
                              System.nanoTime()));
                    }
                  }
                }
              },
              "repair-stage-it-collector");
      thread.setDaemon(true);
      thread.start();
    }

    /** The records of {@code topic} keyed {@code key}, in the order they were read. */
    List<Seen> seen(String topic, String key) {
      return seen.stream()
          .filter(record -> record.topic().equals(topic) && key.equals(record.key()))
          .toList();
    }

    @Override
    public void close() {
      running = false;
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
