package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadyFileTest {

  @TempDir Path dir;

  @AfterEach
  void clearProperty() {
    System.clearProperty(ReadyFile.PROPERTY);
  }

  @Test
  void shouldCreateTheNamedFileWhenReady() {
    Path file = dir.resolve("run.ready");
    System.setProperty(ReadyFile.PROPERTY, file.toString());

    ReadyFile.markReady();

    assertThat(file).exists();
  }

  @Test
  void shouldLeaveAnExistingFileAsItIs() throws Exception {
    Path file = Files.writeString(dir.resolve("run.ready"), "from an earlier run");
    System.setProperty(ReadyFile.PROPERTY, file.toString());

    ReadyFile.markReady();

    assertThat(file).hasContent("from an earlier run");
  }

  @Test
  void shouldDoNothingWhenNoFileIsNamed() {
    assertThatCode(ReadyFile::markReady).doesNotThrowAnyException();
  }
}
