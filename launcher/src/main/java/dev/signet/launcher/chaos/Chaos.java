package dev.signet.launcher.chaos;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.signet.core.config.Env;
import dev.signet.launcher.chaos.FaultPlan.Fault;
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
    int window = Math.max(50, options.exchanges() / 100);
    System.out.printf(
        "chaos: seed %d, %d exchanges on %d traces, %d faults; data and logs in %s%n",
        options.seed(),
        options.exchanges(),
        workload.traces(),
        plan.faults().size(),
        options.runDir());
    Files.createDirectories(options.runDir());
    try (ChaosCluster cluster = new ChaosCluster(options.runDir())) {
      // Ctrl-C must not leave the broker, PostgreSQL and services running.
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "chaos-stop"));
      cluster.start();
      System.out.println("chaos: every part is up; starting the load");
      ProgressGate gate = new ProgressGate(limitFor(plan.faults(), 0, window, options.exchanges()));
      try (LoadDriver load =
          new LoadDriver(cluster.exchangeUri(), cluster.kafkaBootstrap(), workload, gate)) {
        List<FaultOutcome> outcomes = new ArrayList<>();
        Thread faults =
            new Thread(
                () -> injectAll(plan, cluster, load, gate, window, outcomes), "chaos-faults");
        faults.start();
        Instant loadStart = Instant.now();
        load.run(options.exchanges());
        Duration loadDuration = Duration.between(loadStart, Instant.now());
        faults.join();
        System.out.printf(
            "chaos: load done in %d s (%d retries); checking%n",
            loadDuration.toSeconds(), load.retries.sum());
        Observations seen = new RunObserver(cluster, load).observe();
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

  /** The gate's limit while fault {@code next} is pending: a window past its moment. */
  static int limitFor(List<Fault> faults, int next, int window, int exchanges) {
    return next < faults.size() ? faults.get(next).atExchange() + window : exchanges;
  }

  private void injectAll(
      FaultPlan plan,
      ChaosCluster cluster,
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
        Duration recovery = inject(fault, cluster, load);
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
