package dev.signet.launcher.chaos;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.signet.core.config.Env;
import dev.signet.launcher.chaos.FaultPlan.Fault;
import dev.signet.launcher.chaos.FaultPlan.Kind;
import dev.signet.launcher.chaos.FaultPlan.Target;
import dev.signet.launcher.chaos.Observations.Answer;
import dev.signet.launcher.chaos.ReliabilityReport.FaultOutcome;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * {@code signet chaos [--exchanges N] [--seed S]}: runs the pipeline as separate processes, drives
 * N exchanges through it while injecting the seed's faults one after another, then checks that
 * nothing confirmed was lost, duplicated or forked, that retries got their original answers, that
 * billing equals the receipts and that the DLQ holds exactly the poison. Prints the report, writes
 * it to {@code docs/reliability.md} and exits 1 (naming the rerun command) if anything failed.
 */
public final class Chaos {

  private static final Duration RECEIPT_WAIT = Duration.ofMinutes(5);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
  private static final Duration CHARGE_INTERVAL = Duration.ofSeconds(5);

  private final ChaosOptions options;

  Chaos(ChaosOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    // The run's own Kafka clients complain at every broker restart, by design of the run.
    ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.ERROR);
    String configured = Env.system().optional("SP_DATA_DIR");
    String dataDir = configured == null ? ".signet" : configured;
    ChaosOptions options;
    try {
      options = ChaosOptions.parse(args, Path.of(dataDir));
    } catch (IllegalArgumentException e) {
      System.err.println("signet chaos: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path reportFile = Path.of(dataDir).toAbsolutePath().getParent().resolve("docs/reliability.md");
    ReliabilityReport report = new Chaos(options).run();
    String markdown = report.toMarkdown();
    System.out.println(markdown);
    Files.createDirectories(reportFile.getParent());
    Files.writeString(reportFile, markdown);
    System.out.println("Report written to " + reportFile);
    if (!report.passed()) {
      System.out.println("FAILED. Rerun with: " + report.rerunCommand());
      System.exit(1);
    }
    System.exit(0);
  }

  /** Runs the whole experiment and returns its report; the cluster is stopped in any case. */
  ReliabilityReport run() throws Exception {
    FaultPlan plan = FaultPlan.of(options.seed(), options.exchanges());
    Workload workload = new Workload(options.seed(), options.exchanges());
    int window = gateWindow(options.exchanges());
    System.out.printf(
        "chaos: seed %d, %d exchanges (%d in flight) on %d traces, %d faults; data and logs in"
            + " %s%n",
        options.seed(),
        options.exchanges(),
        options.concurrency(),
        workload.traces(),
        plan.faults().size(),
        options.runDir());
    Files.createDirectories(options.runDir());
    ChaosPricing pricing = ChaosPricing.forRun(options.exchanges());
    Path reserved = options.runDir().resolve("reserved-capacity.json");
    Files.writeString(
        reserved, pricing.reservedConfigJson(new TreeSet<>(ChaosCluster.API_KEYS.values())));
    try (StripeStandIn stripe = new StripeStandIn(options.seed());
        ForwardTarget forwardTarget = new ForwardTarget();
        ChaosCluster cluster =
            new ChaosCluster(
                options.runDir(), extraEnv(stripe.baseUrl(), reserved, forwardTarget))) {
      // Ctrl-C must not leave the broker, PostgreSQL and services running.
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "chaos-stop"));
      cluster.start();
      System.out.println("chaos: every part is up; starting the load");
      ProgressGate gate = new ProgressGate(limitFor(plan.faults(), 0, window, options.exchanges()));
      try (LoadDriver load =
          new LoadDriver(
              cluster.exchangeUri(),
              cluster.kafkaBootstrap(),
              workload,
              gate,
              options.concurrency(),
              forwardTarget.url())) {
        List<FaultOutcome> outcomes = new ArrayList<>();
        Thread faults =
            new Thread(
                () -> injectAll(plan, cluster, forwardTarget, load, gate, window, outcomes),
                "chaos-faults");
        faults.start();
        Thread progress = new Thread(() -> printProgress(load), "chaos-progress");
        progress.setDaemon(true);
        progress.start();
        Instant loadStart = Instant.now();
        load.run(options.exchanges());
        Duration loadDuration = Duration.between(loadStart, Instant.now());
        faults.join();
        System.out.printf(
            "chaos: load done in %d s (%d retries); checking%n",
            loadDuration.toSeconds(), load.retries.sum());
        Observations seen =
            new RunObserver(cluster, load, stripe, pricing, forwardTarget).observe();
        List<ReliabilityChecks.Check> checks = ReliabilityChecks.run(seen);
        long confirmed =
            load.requests.values().stream().filter(Observations.Request::confirmed).count();
        Map<Long, Long> perSecond =
            load.confirmedPerSecond.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum()));
        return new ReliabilityReport(
            Instant.now(),
            machine(),
            options.seed(),
            options.exchanges(),
            loadDuration,
            confirmed,
            perSecond,
            outcomes,
            cluster.unplannedRestarts(),
            checks);
      }
    }
  }

  /**
   * Billing charges the overage of the run's reserved capacity every few seconds and pushes it to
   * the Stripe stand-in with its real client; the processors may forward to the forward target.
   */
  static Map<Target, Map<String, String>> extraEnv(
      String stripeBase, Path reservedConfig, ForwardTarget forwardTarget) {
    return Map.of(
        Target.PROCESSOR_1,
        forwardTarget.processorEnv(),
        Target.PROCESSOR_2,
        forwardTarget.processorEnv(),
        Target.BILLING,
        Map.of(
            "SP_STRIPE_API_KEY",
            "sk_test_chaos_stand_in",
            "SP_STRIPE_API_BASE",
            stripeBase,
            "SP_RESERVED_CONFIG",
            reservedConfig.toString(),
            "SP_BILLING_CHARGE_INTERVAL",
            Long.toString(CHARGE_INTERVAL.toSeconds())));
  }

  /** Every 30 s: how far the load is and its rate since the last line, for a long run's log. */
  private void printProgress(LoadDriver load) {
    long lastConfirmed = 0;
    while (load.started() < options.exchanges()) {
      ChaosCluster.sleep(PROGRESS_EVERY);
      long confirmed = load.confirmed();
      System.out.printf(
          "chaos: %d s: %d exchanges started, %d confirmed (%d/s over the last %d s)%n",
          load.elapsedSeconds(),
          load.started(),
          confirmed,
          (confirmed - lastConfirmed) / PROGRESS_EVERY.toSeconds(),
          PROGRESS_EVERY.toSeconds());
      lastConfirmed = confirmed;
    }
  }

  /**
   * How far past a fault's moment the load may run while that fault waits for the previous one to
   * recover: 2 % of the run (2,000 exchanges, about 10 s, on a full run). Wider keeps more load in
   * flight through a recovery, where the load used to stop (1 %, and 50 on small runs); it stays
   * small against the faults' spacing (about 5,000 exchanges apart on a full run) so faults still
   * land at their planned moments.
   */
  static int gateWindow(int exchanges) {
    return Math.max(100, exchanges / 50);
  }

  /** The gate's limit while fault {@code next} is pending: a window past its moment. */
  static int limitFor(List<Fault> faults, int next, int window, int exchanges) {
    return next < faults.size() ? faults.get(next).atExchange() + window : exchanges;
  }

  private void injectAll(
      FaultPlan plan,
      ChaosCluster cluster,
      ForwardTarget forwardTarget,
      LoadDriver load,
      ProgressGate gate,
      int window,
      List<FaultOutcome> outcomes) {
    List<Fault> faults = plan.faults();
    for (int i = 0; i < faults.size(); i++) {
      Fault fault = faults.get(i);
      while (load.started() < fault.atExchange()) {
        ChaosCluster.sleep(Duration.ofMillis(20));
      }
      long atSecond = load.elapsedSeconds();
      System.out.printf(
          "chaos: fault %d/%d at exchange %d: %s%n",
          i + 1, faults.size(), load.started(), fault.describe());
      FaultOutcome outcome;
      try {
        Duration recovery =
            fault.kind() == Kind.SLOW
                ? slowDown(fault, forwardTarget, load)
                : inject(fault, cluster, load);
        outcome = new FaultOutcome(fault, atSecond, Optional.of(recovery), "");
        System.out.printf("chaos: recovered after %d ms%n", recovery.toMillis());
      } catch (RuntimeException e) {
        outcome = new FaultOutcome(fault, atSecond, Optional.empty(), e.getMessage());
        System.out.printf("chaos: NOT recovered: %s%n", e.getMessage());
      }
      synchronized (outcomes) {
        outcomes.add(outcome);
      }
      gate.open(limitFor(faults, i + 1, window, options.exchanges()));
    }
  }

  /**
   * Makes the forward target slow for the fault's period, then returns how long after it a
   * forwarding exchange took to get its document forwarded again with a 200 (the host's circuit,
   * opened by the timeouts, may hold forwards back for a while).
   */
  private static Duration slowDown(Fault fault, ForwardTarget target, LoadDriver load) {
    target.slowFor(fault.outage());
    ChaosCluster.sleep(fault.outage());
    long from = System.nanoTime();
    long deadline = from + RECEIPT_WAIT.toNanos();
    while (load.probe(true).forwardStatus() != 200) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("forwards did not succeed again within " + RECEIPT_WAIT);
      }
      ChaosCluster.sleep(Duration.ofSeconds(1));
    }
    return Duration.ofNanos(System.nanoTime() - from);
  }

  /** Injects one fault and returns how long the pipeline took to recover from it. */
  private static Duration inject(Fault fault, ChaosCluster cluster, LoadDriver load) {
    ChildJvm child = cluster.child(fault.target());
    long from = System.nanoTime();
    switch (fault.kind()) {
      case KILL -> {
        child.kill();
        child.start();
      }
      case RESTART -> {
        child.stop();
        child.start();
      }
      case OUTAGE -> {
        child.stop();
        ChaosCluster.sleep(fault.outage());
        from = System.nanoTime();
        child.start();
      }
      case SLOW -> throw new IllegalArgumentException("not a fault of a process: " + fault);
    }
    cluster.awaitReady(fault.target());
    if (fault.target() == Target.POSTGRES) {
      cluster.awaitReady(Target.RECEIPT_STORE);
    }
    Answer probe = load.probe();
    awaitStored(cluster, probe.receiptHash());
    return Duration.ofNanos(System.nanoTime() - from);
  }

  private static void awaitStored(ChaosCluster cluster, String receiptHash) {
    long deadline = System.nanoTime() + RECEIPT_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c = cluster.openDatabase();
          PreparedStatement q =
              c.prepareStatement("SELECT 1 FROM receipts WHERE receipt_hash = ?")) {
        q.setString(1, receiptHash);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            return;
          }
        }
      } catch (java.sql.SQLException e) {
        // PostgreSQL still starting
      }
      ChaosCluster.sleep(Duration.ofMillis(200));
    }
    throw new IllegalStateException("the probe's receipt was not stored within " + RECEIPT_WAIT);
  }

  /** Host name, cores, memory and JVM: enough to compare one report with another. */
  static String machine() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    long memoryGib = 0;
    try {
      memoryGib =
          ((com.sun.management.OperatingSystemMXBean)
                      java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                  .getTotalMemorySize()
              >> 30;
    } catch (RuntimeException e) {
      // not a HotSpot JVM
    }
    return String.format(
        "%s, %d cores, %d GiB, %s %s, Java %s",
        host,
        Runtime.getRuntime().availableProcessors(),
        memoryGib,
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        Runtime.version());
  }
}
