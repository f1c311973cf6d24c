package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.launcher.bench.ThreadCpu.ThreadTicks;
import dev.signet.launcher.bench.ThreadGroups.Group;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuProfileTest {

  private static final long MS = 1_000_000L;

  private static ThreadCpu.Snapshot snapshot(long processTicks, Map<Long, ThreadTicks> threads) {
    return new ThreadCpu.Snapshot(processTicks, threads);
  }

  @Test
  void shouldGiveEachGroupItsThreadsTicksSinceTheFirstSnapshot() {
    ThreadCpu.Snapshot before =
        snapshot(
            1_000,
            Map.of(
                1L, new ThreadTicks("C2 CompilerThre", 300),
                2L, new ThreadTicks("C1 CompilerThre", 100),
                3L, new ThreadTicks("http-nio-auto-1", 50)));
    ThreadCpu.Snapshot after =
        snapshot(
            1_100,
            Map.of(
                1L, new ThreadTicks("C2 CompilerThre", 340),
                2L, new ThreadTicks("C1 CompilerThre", 110),
                3L, new ThreadTicks("http-nio-auto-1", 80),
                // Born within the run: all of its ticks are the run's.
                4L, new ThreadTicks("http-nio-auto-2", 20)));

    CpuProfile profile = CpuProfile.between(before, after, -1, 7 * MS);

    assertThat(profile.nanos(Group.JIT)).isEqualTo(500 * MS);
    assertThat(profile.nanos(Group.TOMCAT)).isEqualTo(500 * MS);
    assertThat(profile.nanos(Group.ENDED)).isZero();
    assertThat(profile.nanos(Group.POSTGRESQL)).isEqualTo(7 * MS);
    assertThat(profile.totalNanos()).isEqualTo(1_007 * MS);
  }

  @Test
  void shouldCountWhatTheProcessSpentBeyondItsLiveThreadsAsEnded() {
    ThreadCpu.Snapshot before =
        snapshot(1_000, Map.of(1L, new ThreadTicks("VM Thread", 10), 9L, new ThreadTicks("x", 5)));
    // Thread 9 ended within the run after spending 30 more ticks; only the process still has them.
    ThreadCpu.Snapshot after = snapshot(1_040, Map.of(1L, new ThreadTicks("VM Thread", 20)));

    CpuProfile profile = CpuProfile.between(before, after, -1, -1);

    assertThat(profile.nanos(Group.JVM_OTHER)).isEqualTo(100 * MS);
    assertThat(profile.nanos(Group.ENDED)).isEqualTo(300 * MS);
    assertThat(profile.nanos(Group.POSTGRESQL)).isZero();
  }

  @Test
  void shouldTakeTheLoadThreadsOwnTimingAndNotCountTheirTicksTwice() {
    ThreadCpu.Snapshot before = snapshot(1_000, Map.of(1L, new ThreadTicks("VM Thread", 10)));
    // One load thread is still listed as it ends; its 30 ticks are within its own 450 ms.
    ThreadCpu.Snapshot after =
        snapshot(
            1_060,
            Map.of(
                1L, new ThreadTicks("VM Thread", 20),
                5L, new ThreadTicks("bench-http-0", 30)));

    CpuProfile profile = CpuProfile.between(before, after, 450 * MS, -1);

    assertThat(profile.nanos(Group.LOAD_GENERATOR)).isEqualTo(450 * MS);
    assertThat(profile.nanos(Group.ENDED)).isEqualTo(50 * MS);
    assertThat(profile.totalNanos()).isEqualTo(600 * MS);
  }

  @Test
  void shouldTreatAReusedThreadIdAsANewThread() {
    ThreadCpu.Snapshot before = snapshot(1_000, Map.of(7L, new ThreadTicks("kafka-producer-", 90)));
    ThreadCpu.Snapshot after = snapshot(1_100, Map.of(7L, new ThreadTicks("http-nio-auto-3", 15)));

    CpuProfile profile = CpuProfile.between(before, after, -1, -1);

    assertThat(profile.nanos(Group.TOMCAT)).isEqualTo(150 * MS);
    assertThat(profile.nanos(Group.PRODUCER_IO)).isZero();
    assertThat(profile.nanos(Group.ENDED)).isEqualTo(850 * MS);
  }

  @Test
  void shouldListGroupsLargestFirstPerExchangeWithTheirShare() {
    CpuProfile profile =
        new CpuProfile(Map.of(Group.GC, 100 * MS, Group.TOMCAT, 300 * MS, Group.OTHER, 0L));

    assertThat(profile.perExchange(1_000))
        .isEqualTo(
            "CPU per exchange by thread group: ingress: Tomcat threads (requests, poller, acceptor) 300 µs (75 %),"
                + " JVM: garbage collector 100 µs (25 %)");
    assertThat(CpuProfile.UNKNOWN.perExchange(1_000))
        .isEqualTo("CPU per exchange by thread group: unknown (no /proc)");
  }
}
