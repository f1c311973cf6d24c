package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IntervalsTest {

  private static final long START = 1_000_000_000L;
  private static final long SECOND = 1_000_000_000L;

  private final Intervals intervals = new Intervals(START, Duration.ofSeconds(10), 6);

  @Test
  void shouldPutAResponseInTheIntervalItCompletedIn() {
    assertThat(intervals.indexOf(START)).isZero();
    assertThat(intervals.indexOf(START + 10 * SECOND - 1)).isZero();
    assertThat(intervals.indexOf(START + 10 * SECOND)).isEqualTo(1);
    assertThat(intervals.indexOf(START + 59 * SECOND)).isEqualTo(5);
  }

  @Test
  void shouldLeaveOutResponsesBeforeTheStartAndAfterTheLastInterval() {
    assertThat(intervals.indexOf(START - 1)).isEqualTo(-1);
    assertThat(intervals.indexOf(START + 60 * SECOND)).isEqualTo(-1);

    intervals.record(START - 1, 100);
    intervals.record(START + 60 * SECOND, 100);

    for (int i = 0; i < intervals.count(); i++) {
      assertThat(intervals.responses(i)).isZero();
    }
  }

  @Test
  void shouldGiveEachIntervalsRatePerSecondAndLatencies() {
    for (int n = 0; n < 250; n++) {
      intervals.record(START + 10 * SECOND + n * 1_000_000L, 2_000);
    }
    intervals.record(START + 25 * SECOND, 9_000);

    assertThat(intervals.perSecond(0)).isZero();
    assertThat(intervals.perSecond(1)).isEqualTo(25.0);
    assertThat(intervals.perSecond(2)).isEqualTo(0.1);
    assertThat(intervals.latencies(1).getTotalCount()).isEqualTo(250);
    var late = intervals.latencies(2);
    assertThat(late.valuesAreEquivalent(late.getMaxValue(), 9_000)).isTrue();
  }
}
