package dev.signet.launcher.bench;

import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where one run's CPU went: nanoseconds by {@link ThreadGroups.Group}, this JVM's threads from two
 * {@link ThreadCpu.Snapshot}s around the run plus PostgreSQL's processes. Empty when {@code /proc}
 * could not be read.
 */
record CpuProfile(Map<ThreadGroups.Group, Long> nanos) {

  static final CpuProfile UNKNOWN = new CpuProfile(Map.of());

  CpuProfile {
    nanos = nanos.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(nanos));
  }

  /**
   * The CPU spent between two snapshots of this JVM. A thread's ticks since {@code before} go to
   * its group; one born in between counts whole. A thread that ended in between takes its ticks
   * with it, so what the process spent beyond its live threads is {@link ThreadGroups.Group#ENDED}.
   * The bench's own load threads end before {@code after} and time themselves instead: {@code
   * loadGeneratorNanos}, or -1 where they do not; when they do, any of theirs still listed in
   * {@code after} is skipped so as not to count it twice. Tick rounding can make the ended share a
   * few ticks negative; it is shown as zero then.
   *
   * @param postgresNanos PostgreSQL's CPU over the same window, or -1 if unknown
   */
  static CpuProfile between(
      ThreadCpu.Snapshot before,
      ThreadCpu.Snapshot after,
      long loadGeneratorNanos,
      long postgresNanos) {
    Map<ThreadGroups.Group, Long> nanos = new EnumMap<>(ThreadGroups.Group.class);
    long threadTicks = 0;
    for (Map.Entry<Long, ThreadCpu.ThreadTicks> entry : after.threads().entrySet()) {
      ThreadCpu.ThreadTicks now = entry.getValue();
      ThreadGroups.Group group = ThreadGroups.of(now.name());
      if (group == ThreadGroups.Group.LOAD_GENERATOR && loadGeneratorNanos >= 0) {
        continue;
      }
      ThreadCpu.ThreadTicks then = before.threads().get(entry.getKey());
      // A tid the kernel reused for a new thread is a new thread.
      boolean same = then != null && then.name().equals(now.name()) && then.ticks() <= now.ticks();
      long ticks = same ? now.ticks() - then.ticks() : now.ticks();
      threadTicks += ticks;
      nanos.merge(group, ticks * ProcFiles.NANOS_PER_TICK, Long::sum);
    }
    long selfTimed = Math.max(0, loadGeneratorNanos);
    if (loadGeneratorNanos >= 0) {
      nanos.merge(ThreadGroups.Group.LOAD_GENERATOR, selfTimed, Long::sum);
    }
    long ended =
        (after.processTicks() - before.processTicks() - threadTicks) * ProcFiles.NANOS_PER_TICK
            - selfTimed;
    nanos.put(ThreadGroups.Group.ENDED, Math.max(0, ended));
    if (postgresNanos >= 0) {
      nanos.put(ThreadGroups.Group.POSTGRESQL, postgresNanos);
    }
    return new CpuProfile(nanos);
  }

  boolean known() {
    return !nanos.isEmpty();
  }

  long totalNanos() {
    return nanos.values().stream().mapToLong(Long::longValue).sum();
  }

  long nanos(ThreadGroups.Group group) {
    return nanos.getOrDefault(group, 0L);
  }

  /**
   * {@code "CPU per exchange by thread group: Kafka broker: network and requests 310 µs (24 %),
   * …"}, largest first, groups that spent nothing left out; {@code "unknown (no /proc)"} if
   * unknown.
   */
  String perExchange(long exchanges) {
    if (!known()) {
      return "CPU per exchange by thread group: unknown (no /proc)";
    }
    long n = Math.max(1, exchanges);
    long total = Math.max(1, totalNanos());
    return "CPU per exchange by thread group: "
        + nanos.entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .sorted(Map.Entry.<ThreadGroups.Group, Long>comparingByValue(Comparator.reverseOrder()))
            .map(
                e ->
                    String.format(
                        Locale.ROOT, "%s %s", e.getKey().label(), cell(e.getValue(), n, total)))
            .collect(Collectors.joining(", "));
  }

  /** {@code "310 µs (24 %)"}: a group's µs per exchange and its share of the run's total. */
  static String cell(long groupNanos, long exchanges, long totalNanos) {
    return String.format(
        Locale.ROOT,
        "%,.0f µs (%.0f %%)",
        groupNanos / 1e3 / Math.max(1, exchanges),
        100.0 * groupNanos / Math.max(1, totalNanos));
  }
}
