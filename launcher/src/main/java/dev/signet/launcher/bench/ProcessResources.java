package dev.signet.launcher.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Memory and CPU of local mode's processes, read from Linux's {@code /proc}: this JVM (which holds
 * the broker, every service and the load generator) and the embedded PostgreSQL, a postmaster found
 * through the {@code postmaster.pid} of its data directory, with its backends and helpers (its
 * descendants). Where {@code /proc} is missing (not Linux), figures are -1.
 */
final class ProcessResources {

  private final Path postgresDataDir;

  /**
   * @param postgresDataDir the embedded PostgreSQL's data directory, or null if there is none
   */
  ProcessResources(Path postgresDataDir) {
    this.postgresDataDir = postgresDataDir;
  }

  /**
   * Resident memory in kB. {@code postgresRss} sums each process's RSS, so the shared buffers that
   * every backend maps count once per backend; {@code postgresPss} shares each page among the
   * processes that map it and so adds up to what PostgreSQL really holds.
   */
  record Memory(
      long jvmRss, long jvmPeakRss, long postgresRss, long postgresPss, int postgresProcesses) {

    static final Memory NONE = new Memory(-1, -1, -1, -1, 0);

    /** This JVM's RSS plus PostgreSQL's PSS, in kB; -1 if either is unknown. */
    long totalKb() {
      return jvmRss < 0 ? -1 : jvmRss + Math.max(0, postgresPss);
    }

    /** The larger of each figure, for a peak over samples. */
    Memory max(Memory other) {
      return new Memory(
          Math.max(jvmRss, other.jvmRss),
          Math.max(jvmPeakRss, other.jvmPeakRss),
          Math.max(postgresRss, other.postgresRss),
          Math.max(postgresPss, other.postgresPss),
          Math.max(postgresProcesses, other.postgresProcesses));
    }
  }

  Memory memory() {
    Optional<String> self = ProcFiles.read(Path.of("/proc/self/status"));
    if (self.isEmpty()) {
      return Memory.NONE;
    }
    long rss = -1;
    long pss = -1;
    List<ProcessHandle> postgres = postgresProcesses();
    for (ProcessHandle process : postgres) {
      Path proc = Path.of("/proc", Long.toString(process.pid()));
      rss =
          addKnown(
              rss,
              ProcFiles.read(proc.resolve("status")).map(s -> ProcFiles.kilobytes(s, "VmRSS")));
      pss =
          addKnown(
              pss,
              ProcFiles.read(proc.resolve("smaps_rollup")).map(s -> ProcFiles.kilobytes(s, "Pss")));
    }
    return new Memory(
        ProcFiles.kilobytes(self.get(), "VmRSS").orElse(-1),
        ProcFiles.kilobytes(self.get(), "VmHWM").orElse(-1),
        rss,
        pss,
        postgres.size());
  }

  /**
   * CPU time of PostgreSQL's processes so far, in ns (10 ms resolution), including backends that
   * have exited since (the postmaster's waited-for children); -1 when unknown. The difference
   * between two calls is what PostgreSQL spent in between.
   */
  long postgresCpuNanos() {
    List<ProcessHandle> postgres = postgresProcesses();
    if (postgres.isEmpty()) {
      return -1;
    }
    long ticks = 0;
    for (int i = 0; i < postgres.size(); i++) {
      Optional<String> stat =
          ProcFiles.read(Path.of("/proc", Long.toString(postgres.get(i).pid()), "stat"));
      if (stat.isPresent()) {
        // Only the postmaster (first) reaps backends, so only its exited children are counted.
        ticks += ProcFiles.cpuTicks(stat.get(), i == 0);
      }
    }
    return ticks * ProcFiles.NANOS_PER_TICK;
  }

  /**
   * The postmaster, first, and its descendants; empty when there is no embedded PostgreSQL running.
   */
  List<ProcessHandle> postgresProcesses() {
    return postmaster()
        .map(
            p ->
                Stream.concat(Stream.of(p), p.descendants())
                    .filter(ProcessHandle::isAlive)
                    .toList())
        .orElse(List.of());
  }

  private Optional<ProcessHandle> postmaster() {
    if (postgresDataDir == null) {
      return Optional.empty();
    }
    // The first line of postmaster.pid is the postmaster's pid.
    return ProcFiles.read(postgresDataDir.resolve("postmaster.pid"))
        .map(text -> text.lines().findFirst().orElse("").strip())
        .flatMap(
            pid -> {
              try {
                return ProcessHandle.of(Long.parseLong(pid));
              } catch (NumberFormatException e) {
                return Optional.empty();
              }
            });
  }

  private static long addKnown(long sum, Optional<OptionalLong> value) {
    if (value.isEmpty() || value.get().isEmpty()) {
      return sum;
    }
    return Math.max(0, sum) + value.get().getAsLong();
  }
}
