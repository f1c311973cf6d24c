package dev.signet.launcher.chaos;

import dev.signet.launcher.chaos.FaultPlan.Fault;
import dev.signet.launcher.chaos.ReliabilityChecks.Check;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The report of one chaos run, as Markdown for {@code docs/reliability.md} and the terminal: the
 * machine and seed, throughput, each fault and how long the pipeline took to recover from it, and
 * the checks.
 */
record ReliabilityReport(
    Instant date,
    String machine,
    long seed,
    int exchanges,
    Duration loadDuration,
    long confirmed,
    Map<Long, Long> confirmedPerSecond,
    List<FaultOutcome> faults,
    int unplannedRestarts,
    List<Check> checks) {

  /**
   * A fault as injected: when (seconds into the load) and how long until the pipeline recovered.
   */
  record FaultOutcome(Fault fault, long atSecond, Optional<Duration> recoveredAfter, String note) {
    FaultOutcome {
      Objects.requireNonNull(fault, "fault");
      Objects.requireNonNull(recoveredAfter, "recoveredAfter");
      Objects.requireNonNull(note, "note");
    }
  }

  ReliabilityReport {
    confirmedPerSecond = Map.copyOf(confirmedPerSecond);
    faults = List.copyOf(faults);
    checks = List.copyOf(checks);
  }

  boolean passed() {
    return ReliabilityChecks.allPassed(checks)
        && faults.stream().allMatch(f -> f.recoveredAfter().isPresent());
  }

  String rerunCommand() {
    return "./signet chaos --exchanges " + exchanges + " --seed " + seed;
  }

  /** Confirmed exchanges per second over the whole load, as an exact decimal to one place. */
  String averageThroughput() {
    long millis = Math.max(1, loadDuration.toMillis());
    long tenths = confirmed * 10_000 / millis;
    return tenths / 10 + "." + tenths % 10;
  }

  /**
   * Confirmed exchanges per second over the seconds when no fault was being injected or recovered
   * from (from its moment through its outage and recovery): the pipeline's pace under load, apart
   * from the faults' stalls. "-" when every second had a fault.
   */
  static String throughputOutsideFaults(
      Map<Long, Long> perSecond, long seconds, List<FaultOutcome> faults) {
    boolean[] busy = new boolean[(int) Math.max(0, seconds)];
    for (FaultOutcome f : faults) {
      long millis =
          f.fault().outage().toMillis() + f.recoveredAfter().map(Duration::toMillis).orElse(0L);
      long end = Math.min(seconds, f.atSecond() + (millis + 999) / 1000 + 1);
      for (long s = Math.max(0, f.atSecond()); s < end; s++) {
        busy[(int) s] = true;
      }
    }
    long quiet = 0;
    long confirmed = 0;
    for (int s = 0; s < busy.length; s++) {
      if (!busy[s]) {
        quiet++;
        confirmed += perSecond.getOrDefault((long) s, 0L);
      }
    }
    if (quiet == 0) {
      return "-";
    }
    long tenths = confirmed * 10 / quiet;
    return tenths / 10 + "." + tenths % 10 + " (" + quiet + " s)";
  }

  /** The slowest full 10-second window of the load (0 while a fault stalled everything). */
  static long lowestTenSecondWindow(Map<Long, Long> perSecond, long seconds) {
    if (seconds < 10) {
      return perSecond.values().stream().mapToLong(Long::longValue).sum();
    }
    long lowest = Long.MAX_VALUE;
    for (long start = 0; start + 10 <= seconds; start++) {
      long sum = 0;
      for (long s = start; s < start + 10; s++) {
        sum += perSecond.getOrDefault(s, 0L);
      }
      lowest = Math.min(lowest, sum);
    }
    return lowest;
  }

  String toMarkdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Reliability: `signet chaos`\n\n");
    md.append(
            "The whole pipeline as separate processes (broker, PostgreSQL, ingress, two processors,"
                + " receipt store, billing pushing overage to a Stripe stand-in that answers 500s and"
                + " holds answers past the client's timeout, forwards to a target that is slow for a"
                + " while) under load, with faults injected from a seed; afterwards the promises are"
                + " checked against what callers were told, what PostgreSQL stored, what billing"
                + " charged, what Stripe accepted and what the forward target received. Generated"
                + " by `")
        .append(rerunCommand())
        .append(
            "`; rerun it to reproduce the same exchanges and fault schedule. What each check"
                + " compares: the Reliability section of the README.\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| date | ").append(date).append(" |\n");
    md.append("| machine | ").append(machine).append(" |\n");
    md.append("| seed | ").append(seed).append(" |\n");
    md.append("| exchanges | ").append(exchanges).append(" |\n");
    md.append("| result | ").append(passed() ? "**PASS**" : "**FAIL**").append(" |\n\n");

    long seconds = loadDuration.toSeconds();
    md.append("## Throughput\n\n");
    md.append(
        "| load duration | confirmed exchanges | average /s | /s outside faults | slowest 10 s"
            + " window |\n");
    md.append("|---|---|---|---|---|\n");
    md.append("| ")
        .append(seconds)
        .append(" s | ")
        .append(confirmed)
        .append(" | ")
        .append(averageThroughput())
        .append(" | ")
        .append(throughputOutsideFaults(confirmedPerSecond, seconds, faults))
        .append(" | ")
        .append(lowestTenSecondWindow(new TreeMap<>(confirmedPerSecond), seconds))
        .append(" |\n\n");
    md.append(
        "Faults are injected one at a time: the load waits a little past a fault's moment until"
            + " the previous fault has recovered, so a slow window can be that wait as well as"
            + " the fault itself. \"Outside faults\" counts only the seconds when no fault was"
            + " being injected or recovered from (its outage and recovery included).\n\n");

    md.append("## Faults\n\n");
    md.append(
        "Recovery: from the fault (for an outage, from the restart) until the restarted part is"
            + " ready, a new exchange is answered 200 and its receipt is in PostgreSQL; for the"
            + " slow forward target, from the end of its slow period until a forwarding exchange"
            + " is forwarded with a 200 again (the host's circuit, opened by the timeouts, holds"
            + " forwards back for up to 30 s).\n\n");
    md.append("| # | fault | at exchange | at second | recovered after | note |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (int i = 0; i < faults.size(); i++) {
      FaultOutcome f = faults.get(i);
      md.append("| ")
          .append(i + 1)
          .append(" | ")
          .append(f.fault().describe())
          .append(" | ")
          .append(f.fault().atExchange())
          .append(" | ")
          .append(f.atSecond())
          .append(" | ")
          .append(f.recoveredAfter().map(d -> seconds(d)).orElse("**not recovered**"))
          .append(" | ")
          .append(f.note())
          .append(" |\n");
    }
    md.append("\nUnplanned restarts (a service that exited on its own and was restarted): ")
        .append(unplannedRestarts)
        .append(".\n\n");

    md.append("## Checks\n\n| check | result | detail |\n|---|---|---|\n");
    for (Check check : checks) {
      md.append("| ")
          .append(check.name())
          .append(" | ")
          .append(check.passed() ? "pass" : "**FAIL**")
          .append(" | ")
          .append(check.detail().replace("|", "\\|"))
          .append(" |\n");
    }
    if (!passed()) {
      md.append("\nRerun: `").append(rerunCommand()).append("`\n");
    }
    return md.toString();
  }

  private static String seconds(Duration d) {
    long tenths = d.toMillis() / 100;
    return tenths / 10 + "." + tenths % 10 + " s";
  }
}
