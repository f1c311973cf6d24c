package dev.signet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.launcher.chaos.FaultPlan.Fault;
import dev.signet.launcher.chaos.FaultPlan.Kind;
import dev.signet.launcher.chaos.FaultPlan.Target;
import dev.signet.launcher.chaos.ReliabilityChecks.Check;
import dev.signet.launcher.chaos.ReliabilityReport.FaultOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReliabilityReportTest {

  private static final Fault KILL = new Fault(120, Kind.KILL, Target.PROCESSOR_1, Duration.ZERO);

  private static ReliabilityReport report(Optional<Duration> recovery, boolean checkPassed) {
    return new ReliabilityReport(
        Instant.parse("2026-12-06T05:00:00Z"),
        "box, 2 cores",
        42,
        3_000,
        Duration.ofSeconds(40),
        3_001,
        Map.of(0L, 10L),
        List.of(new FaultOutcome(KILL, 12, recovery, "")),
        0,
        List.of(new Check("receipt_conflicts empty", checkPassed, "0 rows")));
  }

  @Test
  void shouldComputeAverageThroughputExactly() {
    assertThat(report(Optional.of(Duration.ofMillis(8_450)), true).averageThroughput())
        .isEqualTo("75.0");
  }

  @Test
  void shouldCountThroughputOutsideFaultsOnlyOverSecondsWithoutAFaultInProgress() {
    Map<Long, Long> perSecond = new java.util.HashMap<>();
    for (long s = 0; s < 20; s++) {
      perSecond.put(s, s >= 5 && s < 9 ? 1L : 50L);
    }
    // At second 5, recovered after 2.5 s: seconds 5..8 are the fault's (rounded up, plus the one
    // it started in).
    List<FaultOutcome> faults =
        List.of(new FaultOutcome(KILL, 5, Optional.of(Duration.ofMillis(2_500)), ""));

    assertThat(ReliabilityReport.throughputOutsideFaults(perSecond, 20, faults))
        .isEqualTo("50.0 (16 s)");
  }

  @Test
  void shouldFindTheSlowestTenSecondWindowIncludingSecondsWithoutAnswers() {
    Map<Long, Long> perSecond = new java.util.HashMap<>();
    for (long s = 0; s < 30; s++) {
      perSecond.put(s, 100L);
    }
    perSecond.remove(14L);
    perSecond.remove(15L);

    assertThat(ReliabilityReport.lowestTenSecondWindow(perSecond, 30)).isEqualTo(800);
    assertThat(ReliabilityReport.lowestTenSecondWindow(Map.of(0L, 5L, 1L, 6L), 2)).isEqualTo(11);
  }

  @Test
  void shouldFailAndNameTheRerunWhenACheckFailsOrAFaultDidNotRecover() {
    ReliabilityReport passing = report(Optional.of(Duration.ofMillis(8_450)), true);
    assertThat(passing.passed()).isTrue();
    assertThat(passing.toMarkdown())
        .contains("| seed | 42 |")
        .contains("| 1 | kill -9 processor-1 | 120 | 12 | 8.4 s |  |")
        .contains("| receipt_conflicts empty | pass | 0 rows |")
        .doesNotContain("Rerun:");

    ReliabilityReport failingCheck = report(Optional.of(Duration.ofSeconds(1)), false);
    assertThat(failingCheck.passed()).isFalse();
    assertThat(failingCheck.toMarkdown())
        .contains("Rerun: `./signet chaos --exchanges 3000 --seed 42`");

    ReliabilityReport unrecovered = report(Optional.empty(), true);
    assertThat(unrecovered.passed()).isFalse();
    assertThat(unrecovered.toMarkdown()).contains("**not recovered**");
  }
}
