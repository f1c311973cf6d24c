package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.launcher.bench.ThreadGroups.Group;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileTableTest {

  private static final long MS = 1_000_000L;

  @Test
  void shouldRenderARowPerGroupAndAColumnPerRun() {
    ProfileTable table = new ProfileTable();
    table.add(
        new ProfileTable.Run(
            "sync, closed loop",
            new CpuProfile(Map.of(Group.TOMCAT, 600 * MS, Group.POSTGRESQL, 400 * MS)),
            1_000));
    table.add(
        new ProfileTable.Run(
            "async", new CpuProfile(Map.of(Group.TOMCAT, 0L, Group.GC, 100 * MS)), 500));
    // A run without /proc has no column.
    table.add(new ProfileTable.Run("first minute", CpuProfile.UNKNOWN, 10));

    assertThat(table.markdown())
        .isEqualTo(
            """
            CPU per exchange by thread group (share of the run's CPU)

            | thread group | sync, closed loop | async |
            |---|---:|---:|
            | ingress: Tomcat threads (requests, poller, acceptor) | 600 µs (60 %) | 0 µs (0 %) |
            | JVM: garbage collector | 0 µs (0 %) | 200 µs (100 %) |
            | PostgreSQL | 400 µs (40 %) | 0 µs (0 %) |
            | **total** | 1,000 µs (100 %) | 200 µs (100 %) |
            """);
  }

  @Test
  void shouldSayUnknownWithoutProc() {
    ProfileTable table = new ProfileTable();
    table.add(new ProfileTable.Run("async", CpuProfile.UNKNOWN, 10));

    assertThat(table.markdown())
        .isEqualTo("CPU per exchange by thread group: unknown (no /proc)\n");
  }
}
