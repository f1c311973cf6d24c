package dev.signet.launcher.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.signet.core.json.Json;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.topic.Topics;
import dev.signet.launcher.LocalMode;
import dev.signet.processor.repair.ModelSettings;
import dev.signet.stubs.ModelStub;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./signet bench}: starts a fresh local pipeline (broker, PostgreSQL, every service, one
 * JVM, this machine) and drives it. Prints figures; judges nothing.
 */
public final class Bench {

  private static final String API_KEY = "bench_key";
  private static final String TENANT = "bench";
  private static final String ARGUMENTS =
      "{\"invoice_id\":\"INV-%d\",\"amount\":%d.%02d,\"currency\":\"EUR\",\"customer_name\":\"ACME GmbH\",\"description\":\"Consulting hours\"}";

  private final LocalMode local;
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final String runId = Long.toString(System.currentTimeMillis(), 36);

  private Bench(LocalMode local) {
    this.local = local;
  }

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.mode().equals("repair")) {
      repair(options);
    } else {
      exchanges(options);
    }
    System.exit(0);
  }

  /** {@code async}, {@code sync} or {@code all}: exchanges that need no repair. */
  private static void exchanges(BenchOptions options) throws Exception {
    Map<String, String> env = environment(options);
    env.put("SP_API_KEYS", "{\"" + API_KEY + "\":{\"tenant\":\"" + TENANT + "\"}}");
    try (LocalMode local = LocalMode.start(env)) {
      Bench bench = new Bench(local);
      // JIT warm-up halves early figures: each mode first runs unreported for the warm-up time.
      if (!options.mode().equals("sync")) {
        if (!options.warmup().isZero()) {
          System.out.printf("async warm-up (%d s)…%n", options.warmup().toSeconds());
          bench.async((int) Math.max(10_000, options.warmup().toSeconds() * 3_000), false);
        }
        bench.async(options.asyncRequests(), true);
      }
      if (!options.mode().equals("async")) {
        if (!options.warmup().isZero()) {
          System.out.printf("sync warm-up (%d s)…%n", options.warmup().toSeconds());
          bench.sync(options.concurrency(), options.warmup(), false);
        }
        bench.sync(options.concurrency(), options.syncDuration(), true);
      }
    }
  }

  /** {@code repair}: sync exchanges whose arguments only the (stubbed) model can read. */
  private static void repair(BenchOptions options) throws Exception {
    try (ModelStub model = RepairLoad.startModel()) {
      Map<String, String> env = environment(options);
      env.put("SP_API_KEYS", RepairLoad.apiKeys(API_KEY, TENANT));
      env.putAll(RepairLoad.modelEnvironment(model, options.concurrency()));
      System.out.printf(
          "repair: a model stub on loopback answers every call after %d ms; %s model calls in"
              + " flight per worker%n",
          RepairLoad.MODEL_DELAY.toMillis(), env.get(ModelSettings.CONCURRENCY));
      try (LocalMode local = LocalMode.start(env)) {
        Bench bench = new Bench(local);
        if (!options.warmup().isZero()) {
          System.out.printf("repair warm-up (%d s)…%n", options.warmup().toSeconds());
          bench.repair(options.concurrency(), options.warmup(), false, model);
        }
        bench.repair(options.concurrency(), options.syncDuration(), true, model);
      }
    }
  }

  /** A fresh local pipeline in a temporary directory, on free loopback ports; no tenants yet. */
  private static Map<String, String> environment(BenchOptions options) throws IOException {
    Path dataDir = Files.createTempDirectory("signet-bench");
    Map<String, String> env = new HashMap<>();
    env.put("SP_DATA_DIR", dataDir.toString());
    // 0: Tomcat binds a free port itself; a port probed free earlier can be taken by then.
    env.put("PORT", "0");
    env.put("SP_LOCAL_KAFKA_PORT", Integer.toString(freePort()));
    env.put("SP_LOCAL_KAFKA_CONTROLLER_PORT", Integer.toString(freePort()));
    env.put("SP_LOCAL_POSTGRES_PORT", "0");
    env.put("SP_COMMIT_INTERVAL_MS", Integer.toString(options.commitIntervalMs()));
    env.put("SP_LOCAL_PARTITIONS", Integer.toString(options.partitions()));
    System.out.printf(
        "signet bench: %d cores, commit.interval.ms=%d, %d partitions, data in %s%n",
        Runtime.getRuntime().availableProcessors(),
        options.commitIntervalMs(),
        options.partitions(),
        dataDir);
    return env;
  }

  /** A request body and the trace (also its idempotency key) it is sent under. */
  private record TracedBody(String traceId, byte[] body) {}

  private TracedBody body(String traceId, int n) {
    return invoiceBody(traceId, String.format(ARGUMENTS, n, n % 100_000, n % 100));
  }

  private static TracedBody invoiceBody(String traceId, String arguments) {
    String json =
        "{\"payload_type\":\"openai.tooluse.invoice.v1\",\"target_type\":\"invoice.iso20022.v1\",\"trace_id\":\""
            + traceId
            + "\",\"payload\":{\"tool_calls\":[{\"type\":\"function\",\"function\":{\"name\":\"create_invoice\",\"arguments\":"
            + Json.toText(arguments)
            + "}}]}}";
    return new TracedBody(traceId, json.getBytes(StandardCharsets.UTF_8));
  }

  private void async(int requests, boolean report) throws InterruptedException {
    try (BillingLagProbe billing = new BillingLagProbe(local.kafkaBootstrap(), TENANT)) {
      async(requests, report, billing);
    }
  }

  private void async(int requests, boolean report, BillingLagProbe billing)
      throws InterruptedException {
    long storedBefore = local.pipeline().storedReceipts();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, local.kafkaBootstrap());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    long cpuBefore = os.getProcessCpuTime();
    long started = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < requests; i++) {
        String traceId = (report ? "async-" : "warm-async-") + runId + "-" + i;
        ProducerRecord<String, byte[]> record =
            new ProducerRecord<>(Topics.EXCHANGE_REQUESTS.name(), traceId, body(traceId, i).body());
        SignetHeaders.put(record.headers(), SignetHeaders.API_KEY, API_KEY);
        producer.send(record);
      }
    }
    long produced = System.nanoTime();
    long deadline = produced + TimeUnit.MINUTES.toNanos(10);
    while (local.pipeline().storedReceipts() - storedBefore < requests
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long elapsed = System.nanoTime() - started;
    long storedAtMs = System.currentTimeMillis();
    long stored = local.pipeline().storedReceipts() - storedBefore;
    long cpu = os.getProcessCpuTime() - cpuBefore;
    if (!report) {
      return;
    }
    // Every receipt of the run is the bench tenant's, and the run starts on a fresh pipeline: the
    // month's VEx total reaches the number of receipts stored (unless the run spans a month end).
    long billedAtMs = billing.awaitUnits(local.pipeline().storedReceipts(), Duration.ofSeconds(60));
    System.out.printf(
        "%nasync: %,d requests produced in %.2f s; %,d receipts stored in PostgreSQL after %.2f s%n",
        requests, (produced - started) / 1e9, stored, elapsed / 1e9);
    System.out.printf(
        "async: %,.0f exchanges/s end to end, %.0f µs CPU per exchange (whole JVM: broker, services, PostgreSQL excluded)%n",
        stored / (elapsed / 1e9), cpu / 1e3 / Math.max(1, stored));
    System.out.printf("billing: %s%n", billing.report());
    System.out.printf(
        billedAtMs < 0
            ? "billing: the month's VEx total did not reach the stored receipts within 60 s%n"
            : "billing: the month's VEx total reached the stored receipts %d ms after the last"
                + " receipt was stored%n",
        billedAtMs - storedAtMs);
  }

  private void sync(int concurrency, Duration duration, boolean report)
      throws InterruptedException {
    String prefix = (report ? "sync-" : "warm-") + runId + "-";
    closedLoop("sync", concurrency, duration, report, n -> body(prefix + n, n));
  }

  /**
   * Sync exchanges that each take the model rung: new traces and idempotency keys, the same broken
   * arguments. Also says how many model calls the run made, to show every exchange was repaired.
   */
  private void repair(int concurrency, Duration duration, boolean report, ModelStub model)
      throws InterruptedException {
    String prefix = (report ? "repair-" : "warm-repair-") + runId + "-";
    int callsBefore = model.calls();
    closedLoop(
        "repair",
        concurrency,
        duration,
        report,
        n -> invoiceBody(prefix + n, RepairLoad.BROKEN_ARGUMENTS));
    if (report) {
      System.out.printf(
          "repair: %,d model calls in the run (each answered after %d ms)%n",
          model.calls() - callsBefore, RepairLoad.MODEL_DELAY.toMillis());
    }
  }

  /**
   * C keep-alive clients posting {@code bodyFor(n)} to {@code POST /v1/exchange}, each under its
   * own trace id as idempotency key, for {@code duration}; prints throughput and latency labelled
   * {@code label}.
   */
  private void closedLoop(
      String label,
      int concurrency,
      Duration duration,
      boolean report,
      IntFunction<TracedBody> bodyFor)
      throws InterruptedException {
    HttpLoad load =
        new HttpLoad(
            local.pipeline().httpPort(),
            n -> {
              TracedBody traced = bodyFor.apply(n);
              return HttpLoad.post("/v1/exchange", API_KEY, traced.traceId(), traced.body());
            });
    Recorder recorder = new Recorder(3);
    long cpuBefore = os.getProcessCpuTime();
    HttpLoad.Result result = load.run(concurrency, duration.toNanos(), recorder);
    long cpu = os.getProcessCpuTime() - cpuBefore;
    if (!report) {
      return;
    }
    Histogram latencies = recorder.getIntervalHistogram();
    double seconds = result.elapsedNanos() / 1e9;
    System.out.printf(
        "%n%s: concurrency %d for %.1f s: %,d ok, %,d failed, %,.0f requests/s%n",
        label, concurrency, seconds, result.ok(), result.failed(), result.ok() / seconds);
    System.out.printf(
        "%s: latency p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms; %.0f µs CPU per request%n",
        label,
        latencies.getValueAtPercentile(50) / 1e3,
        latencies.getValueAtPercentile(99) / 1e3,
        latencies.getValueAtPercentile(99.9) / 1e3,
        latencies.getMaxValue() / 1e3,
        cpu / 1e3 / Math.max(1, result.ok() + result.failed()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
