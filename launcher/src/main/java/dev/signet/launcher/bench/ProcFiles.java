package dev.signet.launcher.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads the Linux {@code /proc} texts the bench uses ({@link #read}), and parses them with pure
 * functions over their contents.
 */
final class ProcFiles {

  /** Linux's {@code USER_HZ}, the unit of {@code /proc/<pid>/stat} times, on every common arch. */
  static final long NANOS_PER_TICK = 10_000_000L;

  private ProcFiles() {}

  /** A {@code /proc} file's text; empty where it cannot be read (not Linux, a process gone). */
  static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.ISO_8859_1));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  /**
   * A {@code kB} field of {@code /proc/<pid>/status} or {@code smaps_rollup}, e.g. {@code "VmRSS:\t
   * 123456 kB"} for {@code field} {@code "VmRSS"}; empty when the text has none.
   */
  static OptionalLong kilobytes(String text, String field) {
    String prefix = field + ":";
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix)) {
        String value = line.substring(prefix.length()).strip();
        int space = value.indexOf(' ');
        try {
          return OptionalLong.of(Long.parseLong(space < 0 ? value : value.substring(0, space)));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The CPU time in clock ticks from {@code /proc/<pid>/stat}: {@code utime + stime}, plus {@code
   * cutime + cstime} (waited-for children that have exited) when {@code withExitedChildren}. The
   * command name in parentheses may hold spaces and parentheses itself, so fields are counted from
   * the last {@code ')'}.
   */
  static long cpuTicks(String stat, boolean withExitedChildren) {
    int end = stat.lastIndexOf(')');
    if (end < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
    }
    // After ")": field 3 (state) is at index 0, so field n is at index n - 3.
    String[] fields = stat.substring(end + 1).strip().split(" +");
    long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    if (withExitedChildren) {
      ticks += Long.parseLong(fields[16 - 3]) + Long.parseLong(fields[17 - 3]);
    }
    return ticks;
  }

  /**
   * A thread's name from {@code /proc/<pid>/task/<tid>/comm}: the text without its line end. Linux
   * keeps at most 15 characters of it.
   */
  static String threadName(String comm) {
    return comm.endsWith("\n") ? comm.substring(0, comm.length() - 1) : comm;
  }
}
