package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class BenchReportTest {

  @Test
  void shouldRenderOneMarkdownRowPerMeasurementWithTheHeadersColumnCount() {
    BenchReport report = new BenchReport("heading");
    report.add(new BenchReport.Row("sync", "1,650 req/s", "1 / 2 / 3 ms", "0", "1 + 2 µs", "–"));
    report.add(BenchReport.Row.note("start-up", "12.3 s"));

    String[] lines = report.markdown().split("\n");

    assertThat(lines[0]).isEqualTo("heading");
    assertThat(lines).hasSize(6);
    for (int i = 2; i < lines.length; i++) {
      assertThat(lines[i].chars().filter(ch -> ch == '|').count()).as(lines[i]).isEqualTo(7);
    }
    assertThat(lines[4]).isEqualTo("| sync | 1,650 req/s | 1 / 2 / 3 ms | 0 | 1 + 2 µs | – |");
    assertThat(lines[5]).isEqualTo("| start-up | 12.3 s |  |  |  |  |");
  }

  @Test
  void shouldGiveLatencyPercentilesInMilliseconds() {
    Histogram micros = new Histogram(3);
    for (int i = 1; i <= 1000; i++) {
      micros.recordValue(i * 100L);
    }

    assertThat(BenchReport.latency(micros)).isEqualTo("50.0 / 99.0 / 99.9 ms");
    assertThat(BenchReport.latency(new Histogram(3))).isEqualTo("–");
  }

  @Test
  void shouldAddTheJvmsRssAndPostgresPss() {
    ProcessResources.Memory peak =
        new ProcessResources.Memory(1_048_576, 1_100_000, 300_000, 102_400, 12);

    assertThat(BenchReport.memory(peak)).isEqualTo("1,024 + 100 = 1,124 MiB");
  }

  @Test
  void shouldLeavePostgresOutOfTheCpuWhenUnknown() {
    assertThat(BenchReport.cpu(1_100, -1)).isEqualTo("1,100 µs (JVM only)");
    assertThat(BenchReport.cpu(1_100, 80)).isEqualTo("1,100 + 80 µs");
  }
}
