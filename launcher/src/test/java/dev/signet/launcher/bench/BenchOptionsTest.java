package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void shouldMeasureEverythingByDefault() {
    BenchOptions options = BenchOptions.parse(new String[0]);

    assertThat(options.mode()).isEqualTo("all");
    assertThat(options.measuresFirstMinute()).isTrue();
    assertThat(options.measuresAsync()).isTrue();
    assertThat(options.measuresClosedLoop()).isTrue();
    assertThat(options.measuresFixedRate()).isTrue();
    assertThat(options.rate()).isZero();
  }

  @Test
  void shouldRunTheFirstMinuteAndItsSteadyStateOnlyInFirstMinuteMode() {
    BenchOptions options = BenchOptions.parse(new String[] {"first-minute"});

    assertThat(options.measuresFirstMinute()).isTrue();
    assertThat(options.measuresClosedLoop()).isTrue();
    assertThat(options.measuresAsync()).isFalse();
    assertThat(options.measuresFixedRate()).isFalse();
  }

  @Test
  void shouldRunBothSyncLoopsButNoFirstMinuteInSyncMode() {
    BenchOptions options = BenchOptions.parse(new String[] {"sync", "--rate", "1500"});

    assertThat(options.rate()).isEqualTo(1_500);
    assertThat(options.measuresClosedLoop()).isTrue();
    assertThat(options.measuresFixedRate()).isTrue();
    assertThat(options.measuresFirstMinute()).isFalse();
    assertThat(options.measuresAsync()).isFalse();
  }

  @Test
  void shouldRefuseANegativeRate() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--rate", "-1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--rate");
  }
}
