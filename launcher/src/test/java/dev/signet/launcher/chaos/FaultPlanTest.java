package dev.signet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.launcher.chaos.FaultPlan.Fault;
import dev.signet.launcher.chaos.FaultPlan.Kind;
import dev.signet.launcher.chaos.FaultPlan.Target;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

  @Test
  void shouldDeriveTheSameScheduleFromTheSameSeed() {
    assertThat(FaultPlan.of(42, 100_000)).isEqualTo(FaultPlan.of(42, 100_000));
    assertThat(FaultPlan.of(42, 100_000)).isNotEqualTo(FaultPlan.of(43, 100_000));
  }

  @Test
  void shouldKillEachServiceThreeTimesOnAFullRunAndRestartAndKillTheBrokerOnce() {
    Map<Target, Long> perTarget =
        FaultPlan.of(7, 100_000).faults().stream()
            .collect(Collectors.groupingBy(Fault::target, Collectors.counting()));

    assertThat(perTarget)
        .containsEntry(Target.INGRESS, 3L)
        .containsEntry(Target.PROCESSOR_1, 3L)
        .containsEntry(Target.PROCESSOR_2, 3L)
        .containsEntry(Target.RECEIPT_STORE, 3L)
        .containsEntry(Target.BILLING, 3L)
        .containsEntry(Target.BROKER, 2L)
        .containsEntry(Target.POSTGRES, 1L)
        .containsEntry(Target.FORWARD_TARGET, 1L);
    assertThat(FaultPlan.of(7, 100_000).faults())
        .filteredOn(f -> f.target() == Target.BROKER)
        .extracting(Fault::kind)
        .containsExactlyInAnyOrder(Kind.RESTART, Kind.KILL);
  }

  @Test
  void shouldKillEachServiceOnceOnASmallRun() {
    FaultPlan plan = FaultPlan.of(7, 3_000);

    assertThat(plan.faults()).hasSize(9);
    assertThat(plan.faults()).filteredOn(f -> f.kind() == Kind.KILL).hasSize(6);
  }

  @Test
  void shouldPlaceFaultsInOrderWithinTheMiddleOfTheRun() {
    for (long seed = 0; seed < 50; seed++) {
      FaultPlan plan = FaultPlan.of(seed, 3_000);
      assertThat(plan.faults())
          .isSortedAccordingTo((a, b) -> Integer.compare(a.atExchange(), b.atExchange()))
          .allSatisfy(f -> assertThat(f.atExchange()).isBetween(150, 2_699));
    }
  }

  @Test
  void shouldSlowTheForwardTargetForHalfAMinuteOnAFullRunAndLessOnASmallOne() {
    assertThat(FaultPlan.slowForward(100_000)).isEqualTo(Duration.ofSeconds(30));
    assertThat(FaultPlan.slowForward(3_000)).isEqualTo(Duration.ofSeconds(8));
    assertThat(FaultPlan.of(7, 3_000).faults())
        .filteredOn(f -> f.kind() == Kind.SLOW)
        .singleElement()
        .satisfies(f -> assertThat(f.describe()).isEqualTo("forward target slow 8 s"));
  }

  @Test
  void shouldStopPostgresForAMinuteOnAFullRunAndLessOnASmallOne() {
    assertThat(FaultPlan.postgresOutage(100_000)).isEqualTo(Duration.ofSeconds(60));
    assertThat(FaultPlan.postgresOutage(1_000_000)).isEqualTo(Duration.ofSeconds(60));
    assertThat(FaultPlan.postgresOutage(50_000)).isEqualTo(Duration.ofSeconds(30));
    assertThat(FaultPlan.postgresOutage(3_000)).isEqualTo(Duration.ofSeconds(5));
  }
}
