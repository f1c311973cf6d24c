package dev.signet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.launcher.chaos.FaultPlan.Target;
import dev.signet.launcher.chaos.ReliabilityReport.FaultOutcome;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small {@code signet chaos} run in the build: every part in its own JVM on loopback (no Docker),
 * each service killed once, the broker restarted and killed, PostgreSQL stopped, the forward target
 * slow for a while, billing pushing to the Stripe stand-in, and every check of the report passing.
 */
class ChaosRunIT {

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void shouldLoseDuplicateAndForkNothingAndBillExactlyThroughOneKillOfEachPart(@TempDir Path dir)
      throws Exception {
    ReliabilityReport report =
        new Chaos(new ChaosOptions(600, 20261206L, ChaosOptions.DEFAULT_CONCURRENCY, dir)).run();

    assertThat(report.passed()).as(report.toMarkdown()).isTrue();
    assertThat(report.faults())
        .extracting(FaultOutcome::fault)
        .extracting(FaultPlan.Fault::target)
        .containsAll(EnumSet.allOf(Target.class));
    assertThat(report.checks())
        .extracting(ReliabilityChecks.Check::name)
        .contains(
            "charges = tier formula on stored receipts",
            "each Stripe identifier accepted once, units = overage");
  }
}
