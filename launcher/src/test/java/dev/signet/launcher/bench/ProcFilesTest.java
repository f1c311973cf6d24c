package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcFilesTest {

  /** Abridged from a JDK 17 process's /proc/self/status. */
  private static final String STATUS =
      """
      Name:\tjava
      Umask:\t0022
      State:\tS (sleeping)
      Pid:\t4242
      VmPeak:\t 5123456 kB
      VmSize:\t 5012345 kB
      VmHWM:\t 1187340 kB
      VmRSS:\t 1054872 kB
      RssAnon:\t  998000 kB
      Threads:\t187
      """;

  /** Abridged /proc/<pid>/smaps_rollup of a PostgreSQL backend. */
  private static final String SMAPS_ROLLUP =
      """
      55d1c8a00000-7ffd2b5fe000 ---p 00000000 00:00 0                          [rollup]
      Rss:               24576 kB
      Pss:                6390 kB
      Pss_Anon:           1720 kB
      Shared_Clean:      10240 kB
      """;

  @Test
  void shouldReadTheResidentAndPeakResidentSizes() {
    assertThat(ProcFiles.kilobytes(STATUS, "VmRSS")).hasValue(1_054_872);
    assertThat(ProcFiles.kilobytes(STATUS, "VmHWM")).hasValue(1_187_340);
  }

  @Test
  void shouldNotMistakeAFieldForAnotherThatStartsTheSame() {
    assertThat(ProcFiles.kilobytes(SMAPS_ROLLUP, "Pss")).hasValue(6_390);
  }

  @Test
  void shouldBeEmptyWhenTheFieldIsMissing() {
    // A kernel thread's status has no Vm lines.
    assertThat(ProcFiles.kilobytes("Name:\tkthreadd\nState:\tS (sleeping)\n", "VmRSS")).isEmpty();
  }

  @Test
  void shouldAddUserAndSystemTimeFromStat() {
    String stat =
        "1234 (postgres) S 1 1234 1234 0 -1 4194560 5000 0 0 0 150 35 7 3 20 0 1 0 100 0 0";

    assertThat(ProcFiles.cpuTicks(stat, false)).isEqualTo(185);
    assertThat(ProcFiles.cpuTicks(stat, true)).isEqualTo(195);
  }

  @Test
  void shouldCountFieldsFromTheLastParenthesisWhateverTheCommandIsCalled() {
    // A process title with spaces and a parenthesis of its own, as PostgreSQL's can be.
    String stat = "77 (postgres: (walwriter) ) S 1 77 77 0 -1 0 0 0 0 0 12 8 0 0 20 0 1 0 100 0 0";

    assertThat(ProcFiles.cpuTicks(stat, false)).isEqualTo(20);
  }

  @Test
  void shouldTakeTheLineEndOffAThreadName() {
    assertThat(ProcFiles.threadName("C2 CompilerThre\n")).isEqualTo("C2 CompilerThre");
    assertThat(ProcFiles.threadName("GC Thread#0")).isEqualTo("GC Thread#0");
  }
}
