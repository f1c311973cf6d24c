package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The open-loop sender against a clock stepped by hand: no sleeping, no timing. */
class PacedSenderTest {

  private static final long MS = 1_000_000L;

  /** A clock that only moves when the sender parks or a response takes time. */
  private static final class FakeClock implements PacedSender.Clock {
    long now;
    final List<Long> sends = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void parkUntil(long nanos) {
      now = Math.max(now, nanos);
    }
  }

  /** A server whose responses take the scripted times, then {@code usual}. */
  private static PacedSender.Exchange server(FakeClock clock, long usual, long... scripted) {
    Deque<Long> script = new ArrayDeque<>();
    for (long t : scripted) {
      script.add(t);
    }
    return n -> {
      clock.sends.add(clock.now);
      clock.now += script.isEmpty() ? usual : script.poll();
      return 200;
    };
  }

  @Test
  void shouldChargeRequestsHeldUpByAStallFromTheirIntendedStart() throws Exception {
    FakeClock clock = new FakeClock();
    LoadTally tally = new LoadTally();
    // One connection at 100/s: a request every 10 ms. Responses take 5 ms, except the second: 35.
    PacedSender sender = new PacedSender(new RateSchedule(0, 0, 1, 100), clock, tally);

    sender.run(
        80 * MS, new AtomicInteger()::incrementAndGet, server(clock, 5 * MS, 5 * MS, 35 * MS));

    // Due at 0, 10, …, 70; sent at 0, 10, then late: 45, 50, 55, 60, 65, back on time at 70.
    assertThat(clock.sends)
        .containsExactly(0L, 10 * MS, 45 * MS, 50 * MS, 55 * MS, 60 * MS, 65 * MS, 70 * MS);
    // From the intended start: 5, 35, 30, 25, 20, 15, 10, 5 ms.
    var corrected = tally.fromIntendedStart();
    assertThat(corrected.getTotalCount()).isEqualTo(8);
    assertThat(corrected.valuesAreEquivalent(corrected.getMaxValue(), 35_000)).isTrue();
    assertThat(corrected.valuesAreEquivalent(corrected.getValueAtPercentile(50), 15_000)).isTrue();
    // From the send only the stalled request itself looks slow.
    var uncorrected = tally.fromSend();
    assertThat(uncorrected.valuesAreEquivalent(uncorrected.getValueAtPercentile(50), 5_000))
        .isTrue();
    assertThat(uncorrected.getCountAtValue(5_000)).isEqualTo(7);
    assertThat(tally.ok()).isEqualTo(8);
  }

  @Test
  void shouldWaitForEachIntendedStartWhenTheServerKeepsUp() throws Exception {
    FakeClock clock = new FakeClock();
    LoadTally tally = new LoadTally();
    // Connection 1 of 2 at 200/s: every 10 ms from 5 ms.
    PacedSender sender = new PacedSender(new RateSchedule(0, 1, 2, 200), clock, tally);

    sender.run(40 * MS, new AtomicInteger()::incrementAndGet, server(clock, 2 * MS));

    assertThat(clock.sends).containsExactly(5 * MS, 15 * MS, 25 * MS, 35 * MS);
    assertThat(tally.fromIntendedStart().getMaxValue()).isEqualTo(2_000);
  }

  @Test
  void shouldCountRequestsStillDueAtTheEndAsUnsentRatherThanSendThemLate() throws Exception {
    FakeClock clock = new FakeClock();
    LoadTally tally = new LoadTally();
    PacedSender sender = new PacedSender(new RateSchedule(0, 0, 1, 100), clock, tally);

    // The first response takes 75 ms of a 100 ms run: requests due at 10…90 ms pile up.
    sender.run(100 * MS, new AtomicInteger()::incrementAndGet, server(clock, 10 * MS, 75 * MS));

    // Sent at 0, 75, 85, 95 (those due at 0…30); due at 40…90 and not sent by 100 ms: six.
    assertThat(clock.sends).containsExactly(0L, 75 * MS, 85 * MS, 95 * MS);
    assertThat(tally.unsent()).isEqualTo(6);
  }

  @Test
  void shouldCountAFailedRequestAndKeepToTheSchedule() throws Exception {
    FakeClock clock = new FakeClock();
    LoadTally tally = new LoadTally();
    PacedSender sender = new PacedSender(new RateSchedule(0, 0, 1, 100), clock, tally);
    AtomicInteger calls = new AtomicInteger();

    sender.run(
        30 * MS,
        new AtomicInteger()::incrementAndGet,
        n -> {
          clock.sends.add(clock.now);
          clock.now += MS;
          if (calls.incrementAndGet() == 2) {
            throw new IOException("connection reset");
          }
          return calls.get() == 3 ? 503 : 200;
        });

    assertThat(clock.sends).containsExactly(0L, 10 * MS, 20 * MS);
    assertThat(tally.ok()).isEqualTo(1);
    assertThat(tally.errors()).isEqualTo(2);
    assertThat(tally.errorBreakdown()).isEqualTo("503 ×1, no response ×1");
  }
}
