package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadTallyTest {

  private static final long MS = 1_000_000L;

  @Test
  void shouldCountEveryNon200AndEveryLostConnectionAsAnError() {
    LoadTally tally = new LoadTally();

    tally.response(200, 0, 0, MS);
    tally.response(503, 0, 0, MS);
    tally.response(503, 0, 0, MS);
    tally.response(429, 0, 0, MS);
    tally.ioFailure();

    assertThat(tally.ok()).isEqualTo(1);
    assertThat(tally.errors()).isEqualTo(4);
    assertThat(tally.errorBreakdown()).isEqualTo("429 ×1, 503 ×2, no response ×1");
  }

  @Test
  void shouldSayNoneWithoutErrors() {
    LoadTally tally = new LoadTally();
    tally.response(200, 0, 0, MS);

    assertThat(tally.errors()).isZero();
    assertThat(tally.errorBreakdown()).isEqualTo("none");
  }

  @Test
  void shouldTimeFromTheIntendedStartAndFromTheSendApart() {
    LoadTally tally = new LoadTally();

    tally.response(200, 10 * MS, 30 * MS, 32 * MS);

    var corrected = tally.fromIntendedStart();
    assertThat(corrected.valuesAreEquivalent(corrected.getMaxValue(), 22_000)).isTrue();
    assertThat(tally.fromSend().getMaxValue()).isEqualTo(2_000);
  }

  @Test
  void shouldCountOnlySuccessfulResponsesIntoTheIntervals() {
    Intervals intervals = new Intervals(0, Duration.ofSeconds(10), 1);
    LoadTally tally = new LoadTally(intervals);

    tally.response(200, 0, 0, MS);
    tally.response(500, 0, 0, MS);

    assertThat(intervals.responses(0)).isEqualTo(1);
  }
}
