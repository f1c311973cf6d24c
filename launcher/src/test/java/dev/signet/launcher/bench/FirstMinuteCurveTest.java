package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FirstMinuteCurveTest {

  private final FirstMinuteCurve curve =
      new FirstMinuteCurve(
          Duration.ofSeconds(10), List.of(355.0, 921.0, 743.0, 1_047.0, 1_098.0, 1_427.0));

  @Test
  void shouldTakeTheBestIntervalThatEndedWithinTheGivenTime() {
    // 0–10, 10–20 and 20–30 s; 30–40 s ends after 30 s however fast it was.
    assertThat(curve.bestWithin(Duration.ofSeconds(30))).isEqualTo(921.0);
    assertThat(curve.bestWithin(Duration.ofSeconds(39))).isEqualTo(921.0);
    assertThat(curve.bestWithin(Duration.ofSeconds(40))).isEqualTo(1_047.0);
  }

  @Test
  void shouldGiveTheBestEarlyIntervalAsAShareOfSteady() {
    assertThat(curve.bestWithinShareOf(Duration.ofSeconds(30), 1_842.0)).isEqualTo(0.5);
  }

  @Test
  void shouldGiveNoShareWithoutASteadyFigure() {
    assertThat(curve.bestWithinShareOf(Duration.ofSeconds(30), 0)).isZero();
  }

  @Test
  void shouldPrintTheIntervalsInOrder() {
    assertThat(curve.curve()).isEqualTo("355 / 921 / 743 / 1,047 / 1,098 / 1,427");
  }
}
