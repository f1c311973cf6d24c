package dev.signet.launcher.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The CPU time of every thread of a process at one moment, read from Linux's {@code
 * /proc/<pid>/task/<tid>/{stat,comm}}: JVM-internal threads (compilers, GC) as well as Java ones.
 * Linux keeps a thread's name to 15 characters ({@code comm}), and forgets a thread's ticks when it
 * ends; the process's own {@code stat} still counts them, which is what {@link CpuProfile} uses to
 * show how much went to threads that ended.
 */
final class ThreadCpu {

  /** This JVM's process directory. */
  static final Path SELF = Path.of("/proc/self");

  private ThreadCpu() {}

  /** One thread's {@code comm} (at most 15 characters) and CPU ticks so far. */
  record ThreadTicks(String name, long ticks) {}

  /**
   * The process's CPU ticks (every thread it ever had) and its live threads by tid, at one moment.
   */
  record Snapshot(long processTicks, Map<Long, ThreadTicks> threads) {
    Snapshot {
      threads = Map.copyOf(threads);
    }
  }

  /**
   * Reads {@code processDir} (e.g. {@link #SELF}); empty where there is no such directory (not
   * Linux). Threads that end while being read are left out.
   */
  static Optional<Snapshot> read(Path processDir) {
    Optional<String> processStat = ProcFiles.read(processDir.resolve("stat"));
    if (processStat.isEmpty()) {
      return Optional.empty();
    }
    Map<Long, ThreadTicks> threads = new HashMap<>();
    List<Path> tasks;
    try (Stream<Path> listed = Files.list(processDir.resolve("task"))) {
      tasks = listed.toList();
    } catch (IOException | UncheckedIOException | SecurityException e) {
      return Optional.empty();
    }
    for (Path task : tasks) {
      long tid;
      try {
        tid = Long.parseLong(task.getFileName().toString());
      } catch (NumberFormatException e) {
        continue;
      }
      Optional<String> stat = ProcFiles.read(task.resolve("stat"));
      Optional<String> comm = ProcFiles.read(task.resolve("comm"));
      if (stat.isPresent() && comm.isPresent()) {
        threads.put(
            tid,
            new ThreadTicks(
                ProcFiles.threadName(comm.get()), ProcFiles.cpuTicks(stat.get(), false)));
      }
    }
    return Optional.of(new Snapshot(ProcFiles.cpuTicks(processStat.get(), false), threads));
  }
}
