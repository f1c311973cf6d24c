package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadCpuTest {

  @TempDir Path proc;

  private static String stat(long tid, String comm, long utime, long stime) {
    return tid
        + " ("
        + comm
        + ") S 1 100 100 0 -1 4194368 900 0 0 0 "
        + utime
        + " "
        + stime
        + " 0 0 20 0 1 0 500 0 0\n";
  }

  private void thread(long tid, String comm, long utime, long stime) throws Exception {
    Path task = Files.createDirectories(proc.resolve("task").resolve(Long.toString(tid)));
    Files.writeString(task.resolve("stat"), stat(tid, comm, utime, stime));
    Files.writeString(task.resolve("comm"), comm + "\n");
  }

  @Test
  void shouldReadEveryThreadsNameAndTicksAndTheProcesssTotal() throws Exception {
    Files.writeString(proc.resolve("stat"), stat(100, "java", 9_000, 1_000));
    thread(100, "java", 2, 1);
    // JVM-internal threads' names have spaces.
    thread(131, "C2 CompilerThre", 4_000, 12);
    thread(170, "kafka-producer-", 300, 200);

    ThreadCpu.Snapshot snapshot = ThreadCpu.read(proc).orElseThrow();

    assertThat(snapshot.processTicks()).isEqualTo(10_000);
    assertThat(snapshot.threads())
        .containsOnlyKeys(100L, 131L, 170L)
        .containsEntry(131L, new ThreadCpu.ThreadTicks("C2 CompilerThre", 4_012))
        .containsEntry(170L, new ThreadCpu.ThreadTicks("kafka-producer-", 500));
  }

  @Test
  void shouldLeaveOutAThreadThatEndedWhileBeingRead() throws Exception {
    Files.writeString(proc.resolve("stat"), stat(100, "java", 10, 0));
    thread(100, "java", 10, 0);
    // The directory was listed, then the thread ended: its files are gone.
    Files.createDirectories(proc.resolve("task").resolve("4242"));

    assertThat(ThreadCpu.read(proc).orElseThrow().threads()).containsOnlyKeys(100L);
  }

  @Test
  void shouldBeEmptyWithoutProc() {
    assertThat(ThreadCpu.read(proc.resolve("missing"))).isEmpty();
  }

  @Test
  void shouldReadThisJvmsOwnThreadsOnLinux() {
    assumeTrue(Files.isReadable(ThreadCpu.SELF.resolve("stat")), "needs Linux's /proc");

    ThreadCpu.Snapshot snapshot = ThreadCpu.read(ThreadCpu.SELF).orElseThrow();

    assertThat(snapshot.threads()).isNotEmpty();
    assertThat(snapshot.threads().values())
        .allSatisfy(t -> assertThat(t.name()).hasSizeLessThanOrEqualTo(15).doesNotContain("\n"));
    long threadTicks =
        snapshot.threads().values().stream().mapToLong(ThreadCpu.ThreadTicks::ticks).sum();
    // Each thread's ticks are rounded on their own, so allow one tick per thread.
    assertThat(snapshot.processTicks())
        .isGreaterThanOrEqualTo(threadTicks - snapshot.threads().size());
  }
}
