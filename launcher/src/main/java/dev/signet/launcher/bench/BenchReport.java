package dev.signet.launcher.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The summary every exchange run ends with: one markdown table, ready to paste into the README,
 * with a row per measured mode side by side, then start-up and the first minute against the steady
 * state. Modes the run did not measure have no row.
 */
final class BenchReport {

  /** One row of the table; each cell is already text. */
  record Row(
      String what, String throughput, String latency, String errors, String cpu, String memory) {

    /** A row with only a figure, e.g. start-up. */
    static Row note(String what, String figure) {
      return new Row(what, figure, "", "", "", "");
    }
  }

  private final String heading;
  private final List<Row> rows = new ArrayList<>();

  BenchReport(String heading) {
    this.heading = heading;
  }

  void add(Row row) {
    rows.add(row);
  }

  String markdown() {
    StringBuilder table = new StringBuilder();
    table.append(heading).append("\n\n");
    table.append(
        "| | throughput | p50 / p99 / p99.9 | errors | CPU per exchange: JVM + PostgreSQL |"
            + " peak memory: JVM RSS + PostgreSQL PSS |\n");
    table.append("|---|---|---|---|---|---|\n");
    for (Row row : rows) {
      table.append(
          String.join(
              " | ",
              "| " + row.what(),
              row.throughput(),
              row.latency(),
              row.errors(),
              row.cpu(),
              row.memory() + " |\n"));
    }
    return table.toString();
  }

  /** {@code "24.4 / 47.2 / 61.9 ms"} from a histogram in µs. */
  static String latency(Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return "–";
    }
    return String.format(
        Locale.ROOT,
        "%,.1f / %,.1f / %,.1f ms",
        micros.getValueAtPercentile(50) / 1e3,
        micros.getValueAtPercentile(99) / 1e3,
        micros.getValueAtPercentile(99.9) / 1e3);
  }

  /** {@code "1,100 + 80 µs"}; PostgreSQL's part is left out when unknown (negative). */
  static String cpu(double jvmMicros, double postgresMicros) {
    return postgresMicros < 0
        ? String.format(Locale.ROOT, "%,.0f µs (JVM only)", jvmMicros)
        : String.format(Locale.ROOT, "%,.0f + %,.0f µs", jvmMicros, postgresMicros);
  }

  /** {@code "1,050 + 95 = 1,145 MiB"}, or {@code "–"} where /proc cannot be read. */
  static String memory(ProcessResources.Memory peak) {
    if (peak.jvmRss() < 0) {
      return "–";
    }
    if (peak.postgresPss() < 0) {
      return mib(peak.jvmRss()) + " MiB (PostgreSQL unknown)";
    }
    return mib(peak.jvmRss())
        + " + "
        + mib(peak.postgresPss())
        + " = "
        + mib(peak.totalKb())
        + " MiB";
  }

  static String mib(long kb) {
    return String.format(Locale.ROOT, "%,d", Math.round(kb / 1024.0));
  }
}
