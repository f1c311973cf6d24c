package dev.signet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ChaosOptionsTest {

  @Test
  void shouldReadExchangesAndSeedAndDefaultTheRunDirectoryUnderTheDataDirectory() {
    ChaosOptions options =
        ChaosOptions.parse(new String[] {"--exchanges", "3_000", "--seed", "17"}, Path.of("/d"));

    assertThat(options.exchanges()).isEqualTo(3_000);
    assertThat(options.seed()).isEqualTo(17);
    assertThat(options.runDir().toString()).startsWith("/d/chaos/seed-17-");
  }

  @Test
  void shouldDefaultToAHundredThousandExchangesFortyEightInFlight() {
    ChaosOptions options = ChaosOptions.parse(new String[0], Path.of("/d"));

    assertThat(options.exchanges()).isEqualTo(100_000);
    assertThat(options.concurrency()).isEqualTo(48);
  }

  @Test
  void shouldReadTheConcurrencyAndRefuseNone() {
    assertThat(ChaosOptions.parse(new String[] {"--concurrency", "8"}, Path.of("/d")).concurrency())
        .isEqualTo(8);
    assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"--concurrency", "0"}, Path.of("/d")))
        .hasMessageContaining("--concurrency must be at least 1");
  }

  @Test
  void shouldRefuseUnknownOptionsMissingValuesAndTinyRuns() {
    assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"--speed", "1"}, Path.of("/d")))
        .hasMessageContaining("unknown option --speed");
    assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"--seed"}, Path.of("/d")))
        .hasMessageContaining("--seed needs a value");
    assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"--exchanges", "5"}, Path.of("/d")))
        .hasMessageContaining("at least 100");
  }
}
