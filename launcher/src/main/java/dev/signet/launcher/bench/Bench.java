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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./signet bench}: starts a fresh local pipeline (broker, PostgreSQL, every service, one
 * JVM, this machine) and drives it. Prints figures, and for exchange runs a summary table; judges
 * nothing.
 */
public final class Bench {

  private static final String API_KEY = "bench_key";
  private static final String TENANT = "bench";
  private static final String ARGUMENTS =
      "{\"invoice_id\":\"INV-%d\",\"amount\":%d.%02d,\"currency\":\"EUR\",\"customer_name\":\"ACME GmbH\",\"description\":\"Consulting hours\"}";

  /** The first-minute curve: six 10-second intervals. */
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  private static final int INTERVALS = 6;

  /** The "fast from the first minute" asks for 70 % of steady within this. */
  private static final Duration EARLY = Duration.ofSeconds(30);

  private final LocalMode local;
  private final ProcessResources resources;
  private final MemorySampler memory;
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final String runId = Long.toString(System.currentTimeMillis(), 36);

  private Bench(LocalMode local, ProcessResources resources, MemorySampler memory) {
    this.local = local;
    this.resources = resources;
    this.memory = memory;
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

  /** CPU spent by this JVM and by PostgreSQL's processes (-1 if unknown), ns. */
  private record Cpu(long jvmNanos, long postgresNanos) {

    Cpu since(Cpu before) {
      boolean known = postgresNanos >= 0 && before.postgresNanos >= 0;
      return new Cpu(jvmNanos - before.jvmNanos, known ? postgresNanos - before.postgresNanos : -1);
    }

    String perExchange(long exchanges) {
      long n = Math.max(1, exchanges);
      return BenchReport.cpu(jvmNanos / 1e3 / n, postgresNanos < 0 ? -1 : postgresNanos / 1e3 / n);
    }
  }

  private Cpu cpu() {
    return new Cpu(os.getProcessCpuTime(), resources.postgresCpuNanos());
  }

  /** CPU so far: the totals and this JVM's threads (empty where there is no /proc). */
  private record CpuMark(Cpu cpu, Optional<ThreadCpu.Snapshot> threads) {

    /**
     * What was spent since {@code before}, by thread group; {@code loadGeneratorNanos} is what the
     * run's own load threads timed themselves, or -1 (see {@link CpuProfile#between}).
     */
    CpuProfile profileSince(CpuMark before, long loadGeneratorNanos) {
      if (threads.isEmpty() || before.threads.isEmpty()) {
        return CpuProfile.UNKNOWN;
      }
      return CpuProfile.between(
          before.threads.get(),
          threads.get(),
          loadGeneratorNanos,
          cpu.since(before.cpu).postgresNanos());
    }
  }

  private CpuMark mark() {
    return new CpuMark(cpu(), ThreadCpu.read(ThreadCpu.SELF));
  }

  /** What one sync run measured. */
  private record SyncRun(
      LoadTally tally,
      HttpLoad.Result result,
      Cpu cpu,
      CpuProfile profile,
      ProcessResources.Memory peak) {

    double throughput() {
      return tally.ok() / result.seconds();
    }

    String errors() {
      return tally.errors() == 0
          ? "0"
          : String.format("%,d (%s)", tally.errors(), tally.errorBreakdown());
    }

    long exchanges() {
      return tally.ok() + tally.errors();
    }

    String cpuPerRequest() {
      return cpu.perExchange(exchanges());
    }

    BenchReport.Row row(String what, String throughput, Histogram latencies) {
      String errors =
          tally.unsent() == 0 ? errors() : errors() + String.format(", %,d unsent", tally.unsent());
      return new BenchReport.Row(
          what,
          throughput,
          BenchReport.latency(latencies),
          errors,
          cpuPerRequest(),
          BenchReport.memory(peak));
    }
  }

  /** What the measured async run gave. */
  private record AsyncRun(
      long stored, double seconds, Cpu cpu, CpuProfile profile, ProcessResources.Memory peak) {
    double throughput() {
      return stored / seconds;
    }
  }

  /**
   * {@code all}, {@code first-minute}, {@code async} or {@code sync}: exchanges that need no
   * repair.
   */
  private static void exchanges(BenchOptions options) throws Exception {
    Map<String, String> env = environment(options);
    env.put("SP_API_KEYS", "{\"" + API_KEY + "\":{\"tenant\":\"" + TENANT + "\"}}");
    ProcessResources resources =
        new ProcessResources(Path.of(env.get("SP_DATA_DIR")).resolve("postgres"));
    long startCalled = System.nanoTime();
    try (LocalMode local = LocalMode.start(env);
        MemorySampler memory = new MemorySampler(resources)) {
      double readySeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
      double pipelineSeconds = (System.nanoTime() - startCalled) / 1e9;
      System.out.printf(
          "pipeline ready %.1f s after the JVM started (the pipeline's own start: %.1f s)%n",
          readySeconds, pipelineSeconds);
      Bench bench = new Bench(local, resources, memory);

      // First, before anything warms the JVM: the minute right after start.
      SyncRun firstMinute = null;
      FirstMinuteCurve curve = null;
      if (options.measuresFirstMinute()) {
        Intervals intervals = new Intervals(System.nanoTime(), INTERVAL, INTERVALS);
        firstMinute =
            bench.sync(
                "first minute",
                options.concurrency(),
                INTERVAL.multipliedBy(INTERVALS),
                new LoadTally(intervals));
        curve = FirstMinuteCurve.of(intervals);
        printIntervals(intervals);
      }
      AsyncRun async = null;
      if (options.measuresAsync()) {
        // JIT warm-up halves early figures: each mode first runs unreported for the warm-up time.
        if (!options.warmup().isZero()) {
          System.out.printf("%nasync warm-up (%d s)…%n", options.warmup().toSeconds());
          bench.async((int) Math.max(10_000, options.warmup().toSeconds() * 3_000), false);
        }
        async = bench.async(options.asyncRequests(), true);
      }
      SyncRun closed = null;
      if (options.measuresClosedLoop()) {
        bench.syncWarmup(options);
        closed = bench.sync("sync", options.concurrency(), options.syncDuration(), new LoadTally());
      }
      SyncRun fixed = null;
      long rate = options.rate();
      if (options.measuresFixedRate()) {
        if (rate == 0) {
          rate =
              Math.max(1, Math.round(closed.throughput() * BenchOptions.RATE_SHARE_OF_CLOSED_LOOP));
        }
        fixed = bench.syncAtRate(options.concurrency(), rate, options.syncDuration());
      }
      Measured measured =
          new Measured(
              readySeconds, pipelineSeconds, firstMinute, curve, async, closed, fixed, rate);
      System.out.printf("%n%s%n", summary(options, measured, resources.memory()).markdown());
      System.out.printf("%s%n", profiles(measured).markdown());
    }
  }

  /** What an exchange run measured; null where its mode measures nothing of the kind. */
  private record Measured(
      double readySeconds,
      double pipelineSeconds,
      SyncRun firstMinute,
      FirstMinuteCurve curve,
      AsyncRun async,
      SyncRun closed,
      SyncRun fixed,
      long rate) {}

  /** The table: the sync runs, async, the first minute against steady, start-up. */
  private static BenchReport summary(
      BenchOptions options, Measured m, ProcessResources.Memory atEnd) {
    BenchReport report = new BenchReport(heading(options));
    String c = "c" + options.concurrency();
    if (m.fixed() != null) {
      String share =
          options.rate() == 0
              ? String.format(
                  Locale.ROOT,
                  " (%.0f %% of closed loop)",
                  100 * BenchOptions.RATE_SHARE_OF_CLOSED_LOOP)
              : "";
      report.add(
          m.fixed()
              .row(
                  String.format(
                      Locale.ROOT,
                      "sync %s, fixed rate %,d req/s offered%s; latency from intended start (CO"
                          + " corrected)",
                      c,
                      m.rate(),
                      share),
                  String.format(Locale.ROOT, "%,.0f req/s", m.fixed().throughput()),
                  m.fixed().tally().fromIntendedStart()));
    }
    if (m.closed() != null) {
      report.add(
          m.closed()
              .row(
                  "sync " + c + ", closed loop (maximum throughput); latency from send",
                  String.format(Locale.ROOT, "%,.0f req/s", m.closed().throughput()),
                  m.closed().tally().fromSend()));
    }
    if (m.async() != null) {
      report.add(
          new BenchReport.Row(
              String.format(
                  Locale.ROOT,
                  "async, %,d exchanges produced → receipts stored in PostgreSQL",
                  options.asyncRequests()),
              String.format(Locale.ROOT, "%,.0f exchanges/s", m.async().throughput()),
              "–",
              "–",
              m.async().cpu().perExchange(m.async().stored()),
              BenchReport.memory(m.async().peak())));
    }
    if (m.firstMinute() != null) {
      report.add(
          m.firstMinute()
              .row(
                  "first minute, sync "
                      + c
                      + " closed loop from pipeline ready, no warm-up:"
                      + " req/s per 10 s",
                  m.curve().curve(),
                  m.firstMinute().tally().fromSend()));
      if (m.closed() != null) {
        double steady = m.closed().throughput();
        report.add(
            BenchReport.Row.note(
                "best 10 s within 30 s of start / steady (closed loop above)",
                String.format(
                    Locale.ROOT,
                    "%,.0f / %,.0f = %.0f %%",
                    m.curve().bestWithin(EARLY),
                    steady,
                    100 * m.curve().bestWithinShareOf(EARLY, steady))));
      }
    }
    report.add(
        BenchReport.Row.note(
            "start-up: JVM start → pipeline ready",
            String.format(
                Locale.ROOT,
                "%.1f s (the pipeline's own start %.1f s)%s",
                m.readySeconds(),
                m.pipelineSeconds(),
                atEnd.jvmPeakRss() < 0
                    ? ""
                    : "; JVM peak RSS over the run (VmHWM) "
                        + BenchReport.mib(atEnd.jvmPeakRss())
                        + " MiB")));
    return report;
  }

  /** The runs' CPU by thread group, in the summary's order. */
  private static ProfileTable profiles(Measured m) {
    ProfileTable table = new ProfileTable();
    if (m.fixed() != null) {
      table.add(
          new ProfileTable.Run("sync, fixed rate", m.fixed().profile(), m.fixed().exchanges()));
    }
    if (m.closed() != null) {
      table.add(
          new ProfileTable.Run("sync, closed loop", m.closed().profile(), m.closed().exchanges()));
    }
    if (m.async() != null) {
      table.add(new ProfileTable.Run("async", m.async().profile(), m.async().stored()));
    }
    if (m.firstMinute() != null) {
      table.add(
          new ProfileTable.Run(
              "first minute", m.firstMinute().profile(), m.firstMinute().exchanges()));
    }
    return table;
  }

  private static String heading(BenchOptions options) {
    return String.format(
        Locale.ROOT,
        "`./signet bench %s` on %s: %d cores, JDK %s, concurrency %d, %d s runs after %d s"
            + " warm-up, commit.interval.ms %d, %d partitions; CPU per exchange is this JVM's"
            + " (broker, services, load generator) plus PostgreSQL's processes",
        options.mode(),
        LocalDate.now(ZoneOffset.UTC),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        options.concurrency(),
        options.syncDuration().toSeconds(),
        options.warmup().toSeconds(),
        options.commitIntervalMs(),
        options.partitions());
  }

  private static void printIntervals(Intervals intervals) {
    long width = intervals.width().toSeconds();
    for (int i = 0; i < intervals.count(); i++) {
      Histogram latencies = intervals.latencies(i);
      System.out.printf(
          "first minute: %3d–%3d s: %,7.0f requests/s, p50 %,.1f ms, p99 %,.1f ms%n",
          i * width,
          (i + 1) * width,
          intervals.perSecond(i),
          latencies.getValueAtPercentile(50) / 1e3,
          latencies.getValueAtPercentile(99) / 1e3);
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
      ProcessResources resources =
          new ProcessResources(Path.of(env.get("SP_DATA_DIR")).resolve("postgres"));
      try (LocalMode local = LocalMode.start(env);
          MemorySampler memory = new MemorySampler(resources)) {
        Bench bench = new Bench(local, resources, memory);
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

  private AsyncRun async(int requests, boolean report) throws InterruptedException {
    try (BillingLagProbe billing =
        new BillingLagProbe(local.kafkaBootstrap(), local.kafkaClient(), TENANT)) {
      return async(requests, report, billing);
    }
  }

  private AsyncRun async(int requests, boolean report, BillingLagProbe billing)
      throws InterruptedException {
    long storedBefore = local.pipeline().storedReceipts();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, local.kafkaBootstrap());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    memory.reset();
    CpuMark before = mark();
    long started = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            local.kafkaClient().applyTo(props),
            new StringSerializer(),
            new ByteArraySerializer())) {
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
    CpuMark after = mark();
    Cpu cpu = after.cpu().since(before.cpu());
    // The producer above sends from this thread; its I/O thread has ended by now (see ENDED).
    AsyncRun run =
        new AsyncRun(stored, elapsed / 1e9, cpu, after.profileSince(before, -1), memory.peak());
    if (!report) {
      return run;
    }
    // Every receipt of the run is the bench tenant's, and the run starts on a fresh pipeline: the
    // month's VEx total reaches the number of receipts stored (unless the run spans a month end).
    long billedAtMs = billing.awaitUnits(local.pipeline().storedReceipts(), Duration.ofSeconds(60));
    System.out.printf(
        "%nasync: %,d requests produced in %.2f s; %,d receipts stored in PostgreSQL after %.2f s%n",
        requests, (produced - started) / 1e9, stored, elapsed / 1e9);
    System.out.printf(
        "async: %,.0f exchanges/s end to end; CPU per exchange: %s (this JVM: broker, services,"
            + " producer; + PostgreSQL's processes)%n",
        run.throughput(), cpu.perExchange(stored));
    System.out.printf("async: %s%n", run.profile().perExchange(stored));
    printMemory("async", run.peak());
    System.out.printf("billing: %s%n", billing.report());
    System.out.printf(
        billedAtMs < 0
            ? "billing: the month's VEx total did not reach the stored receipts within 60 s%n"
            : "billing: the month's VEx total reached the stored receipts %d ms after the last"
                + " receipt was stored%n",
        billedAtMs - storedAtMs);
    return run;
  }

  private void syncWarmup(BenchOptions options) throws InterruptedException {
    if (!options.warmup().isZero()) {
      System.out.printf("%nsync warm-up (%d s)…%n", options.warmup().toSeconds());
      String prefix = "warm-" + runId + "-";
      closedLoop(
          options.concurrency(), options.warmup(), new LoadTally(), n -> body(prefix + n, n));
    }
  }

  /** A measured closed-loop sync run, printed under {@code label}. */
  private SyncRun sync(String label, int concurrency, Duration duration, LoadTally tally)
      throws InterruptedException {
    String prefix = label.replace(' ', '-') + "-" + runId + "-";
    SyncRun run = closedLoop(concurrency, duration, tally, n -> body(prefix + n, n));
    printClosedLoop(label, concurrency, run);
    return run;
  }

  /**
   * Sync exchanges at a fixed offered rate, wrk2's way: each connection sends on its own schedule
   * and every latency counts from the request's intended start.
   */
  private SyncRun syncAtRate(int concurrency, long rate, Duration duration)
      throws InterruptedException {
    System.out.printf(
        "%nsync at a fixed rate: %,d requests/s offered by %d connections for %d s…%n",
        rate, concurrency, duration.toSeconds());
    String prefix = "rate-" + runId + "-";
    HttpLoad load = load(n -> body(prefix + n, n));
    LoadTally tally = new LoadTally();
    memory.reset();
    CpuMark before = mark();
    HttpLoad.Result result = load.runAtRate(concurrency, rate, duration.toNanos(), tally);
    SyncRun run = measured(tally, result, before);
    Histogram corrected = tally.fromIntendedStart();
    Histogram uncorrected = tally.fromSend();
    System.out.printf(
        "sync at rate: %,d ok, %s errors, %,d due but unsent at the end; %,.0f requests/s"
            + " achieved of %,d offered%n",
        tally.ok(), run.errors(), tally.unsent(), run.throughput(), rate);
    System.out.printf(
        "sync at rate: latency from intended start (coordinated omission corrected) p50 %,.1f ms,"
            + " p99 %,.1f ms, p99.9 %,.1f ms, max %,.1f ms%n",
        corrected.getValueAtPercentile(50) / 1e3,
        corrected.getValueAtPercentile(99) / 1e3,
        corrected.getValueAtPercentile(99.9) / 1e3,
        corrected.getMaxValue() / 1e3);
    System.out.printf(
        "sync at rate: latency from actual send (uncorrected, for comparison) p50 %,.1f ms,"
            + " p99 %,.1f ms, p99.9 %,.1f ms; CPU per request %s%n",
        uncorrected.getValueAtPercentile(50) / 1e3,
        uncorrected.getValueAtPercentile(99) / 1e3,
        uncorrected.getValueAtPercentile(99.9) / 1e3,
        run.cpuPerRequest());
    System.out.printf("sync at rate: %s%n", run.profile().perExchange(run.exchanges()));
    printMemory("sync at rate", run.peak());
    return run;
  }

  /**
   * Sync exchanges that each take the model rung: new traces and idempotency keys, the same broken
   * arguments. Also says how many model calls the run made, to show every exchange was repaired.
   */
  private void repair(int concurrency, Duration duration, boolean report, ModelStub model)
      throws InterruptedException {
    String prefix = (report ? "repair-" : "warm-repair-") + runId + "-";
    int callsBefore = model.calls();
    SyncRun run =
        closedLoop(
            concurrency,
            duration,
            new LoadTally(),
            n -> invoiceBody(prefix + n, RepairLoad.BROKEN_ARGUMENTS));
    if (report) {
      printClosedLoop("repair", concurrency, run);
      System.out.printf(
          "repair: %,d model calls in the run (each answered after %d ms)%n",
          model.calls() - callsBefore, RepairLoad.MODEL_DELAY.toMillis());
    }
  }

  /**
   * C keep-alive clients posting {@code bodyFor(n)} to {@code POST /v1/exchange}, each under its
   * own trace id as idempotency key, for {@code duration}.
   */
  private SyncRun closedLoop(
      int concurrency, Duration duration, LoadTally tally, IntFunction<TracedBody> bodyFor)
      throws InterruptedException {
    HttpLoad load = load(bodyFor);
    memory.reset();
    CpuMark before = mark();
    HttpLoad.Result result = load.run(concurrency, duration.toNanos(), tally);
    return measured(tally, result, before);
  }

  /** A sync run that has just ended, with the CPU and memory it took since {@code before}. */
  private SyncRun measured(LoadTally tally, HttpLoad.Result result, CpuMark before) {
    CpuMark after = mark();
    return new SyncRun(
        tally,
        result,
        after.cpu().since(before.cpu()),
        after.profileSince(before, result.threadCpuNanos()),
        memory.peak());
  }

  private HttpLoad load(IntFunction<TracedBody> bodyFor) {
    return new HttpLoad(
        local.pipeline().httpPort(),
        n -> {
          TracedBody traced = bodyFor.apply(n);
          return HttpLoad.post("/v1/exchange", API_KEY, traced.traceId(), traced.body());
        });
  }

  private static void printClosedLoop(String label, int concurrency, SyncRun run) {
    Histogram latencies = run.tally().fromSend();
    System.out.printf(
        "%n%s: concurrency %d for %.1f s: %,d ok, %s errors, %,.0f requests/s%n",
        label,
        concurrency,
        run.result().seconds(),
        run.tally().ok(),
        run.errors(),
        run.throughput());
    System.out.printf(
        "%s: latency p50 %,.1f ms, p99 %,.1f ms, p99.9 %,.1f ms, max %,.1f ms; CPU per request %s%n",
        label,
        latencies.getValueAtPercentile(50) / 1e3,
        latencies.getValueAtPercentile(99) / 1e3,
        latencies.getValueAtPercentile(99.9) / 1e3,
        latencies.getMaxValue() / 1e3,
        run.cpuPerRequest());
    System.out.printf("%s: %s%n", label, run.profile().perExchange(run.exchanges()));
    printMemory(label, run.peak());
  }

  private static void printMemory(String label, ProcessResources.Memory peak) {
    if (peak.jvmRss() < 0) {
      System.out.printf("%s: memory unknown (no /proc)%n", label);
      return;
    }
    System.out.printf(
        "%s: peak memory: JVM RSS %s MiB (VmHWM %s MiB); PostgreSQL %d processes, Σ RSS %s MiB,"
            + " Σ PSS %s MiB; JVM RSS + PostgreSQL PSS %s MiB%n",
        label,
        BenchReport.mib(peak.jvmRss()),
        BenchReport.mib(peak.jvmPeakRss()),
        peak.postgresProcesses(),
        BenchReport.mib(peak.postgresRss()),
        BenchReport.mib(peak.postgresPss()),
        BenchReport.mib(peak.totalKb()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
