package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateScheduleTest {

  private static final long START = 5_000_000_000L;

  @Test
  void shouldSpaceOneConnectionsRequestsByConnectionsOverRate() {
    // 4 connections sharing 1,000/s: each sends every 4 ms.
    RateSchedule schedule = new RateSchedule(START, 0, 4, 1_000);

    assertThat(schedule.intendedStart(0)).isEqualTo(START);
    assertThat(schedule.intendedStart(1)).isEqualTo(START + 4_000_000);
    assertThat(schedule.intendedStart(2)).isEqualTo(START + 8_000_000);
  }

  @Test
  void shouldInterleaveTheConnectionsEvenly() {
    long[] firstSends = new long[4];
    for (int c = 0; c < 4; c++) {
      firstSends[c] = new RateSchedule(START, c, 4, 1_000).intendedStart(0);
    }

    assertThat(firstSends)
        .containsExactly(START, START + 1_000_000, START + 2_000_000, START + 3_000_000);
  }

  @Test
  void shouldNotDriftWhenTheIntervalIsNotAWholeNumberOfNanoseconds() {
    // 3 connections at 7/s: an interval of 428,571,428.57… ns, which accumulated rounding drifts.
    RateSchedule schedule = new RateSchedule(START, 1, 3, 7);

    // Request 7,000,002 of connection 1 is slot 3 × 7,000,002 + 1 = 21,000,007 = 7 × 3,000,001:
    // exactly 3,000,001 s in.
    assertThat(schedule.intendedStart(7_000_002)).isEqualTo(START + 3_000_001L * 1_000_000_000L);
  }

  @ParameterizedTest(name = "connection {0} of {1} at {2}/s, {3} ns long")
  @CsvSource({
    "0, 1, 1, 0",
    "0, 1, 1, 1",
    "0, 1, 1, 1000000000",
    "0, 1, 1, 1000000001",
    "3, 64, 1500, 10000000000",
    "63, 64, 1500, 10000000000",
    "1, 3, 7, 999999999",
    "2, 3, 7, 2000000000",
    "5, 8, 100000, 123456789"
  })
  void shouldCountTheRequestsDueBeforeAnEndAsTheScheduleDoes(
      int connection, int connections, long rate, long length) {
    RateSchedule schedule = new RateSchedule(START, connection, connections, rate);
    long end = START + length;
    long expected = 0;
    while (schedule.intendedStart(expected) < end) {
      expected++;
    }

    assertThat(schedule.dueBefore(end)).isEqualTo(expected);
  }

  @Test
  void shouldRefuseAConnectionOutsideTheConnectionsAndANonPositiveRate() {
    assertThatThrownBy(() -> new RateSchedule(START, 4, 4, 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateSchedule(START, 0, 4, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
