package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessResourcesTest {

  @TempDir Path dataDir;

  @Test
  void shouldFindThePostmasterThroughThePidFileOfItsDataDirectory() throws Exception {
    // This JVM stands in for the postmaster: the lookup only follows the pid file.
    long self = ProcessHandle.current().pid();
    Files.writeString(dataDir.resolve("postmaster.pid"), self + "\n" + dataDir + "\n");

    assertThat(new ProcessResources(dataDir).postgresProcesses())
        .first()
        .extracting(ProcessHandle::pid)
        .isEqualTo(self);
  }

  @Test
  void shouldFindNoPostgresWithoutAPidFile() {
    ProcessResources resources = new ProcessResources(dataDir);

    assertThat(resources.postgresProcesses()).isEmpty();
    assertThat(resources.postgresCpuNanos()).isEqualTo(-1);
  }

  @Test
  void shouldReadThisJvmsResidentMemoryOnLinux() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs Linux's /proc");

    ProcessResources.Memory memory = new ProcessResources(dataDir).memory();

    assertThat(memory.jvmRss()).isPositive();
    assertThat(memory.jvmPeakRss()).isGreaterThanOrEqualTo(memory.jvmRss());
    assertThat(memory.postgresProcesses()).isZero();
    assertThat(memory.totalKb()).isEqualTo(memory.jvmRss());
  }
}
