package dev.signet.launcher.bench;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * One connection of an open-loop (fixed-rate) load: sends each request at its intended start from a
 * {@link RateSchedule}, or at once when the previous response came too late for that, and records
 * every response's latency from the intended start (see {@link LoadTally}). It never skips a
 * request to catch up, as wrk2 does not: a stall shows as a run of late requests, each charged for
 * its wait. Requests still due when the run ends are counted as unsent, not sent late.
 */
final class PacedSender {

  /** Time as the sender sees it; tests step it by hand. */
  interface Clock {
    long nanoTime();

    /** Returns at or after {@code nanos}. */
    void parkUntil(long nanos) throws InterruptedException;

    Clock SYSTEM =
        new Clock() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void parkUntil(long nanos) throws InterruptedException {
            for (long left = nanos - System.nanoTime();
                left > 0;
                left = nanos - System.nanoTime()) {
              LockSupport.parkNanos(left);
              if (Thread.interrupted()) {
                throw new InterruptedException();
              }
            }
          }
        };
  }

  /** Sends request number {@code sequence} and waits for its response; returns the status. */
  interface Exchange {
    int send(int sequence) throws IOException;
  }

  private final RateSchedule schedule;
  private final Clock clock;
  private final LoadTally tally;

  PacedSender(RateSchedule schedule, Clock clock, LoadTally tally) {
    this.schedule = schedule;
    this.clock = clock;
    this.tally = tally;
  }

  /** Sends on schedule until {@code endNanos}; numbers requests from {@code sequence}. */
  void run(long endNanos, IntSupplier sequence, Exchange exchange) throws InterruptedException {
    for (long k = 0; ; k++) {
      long intended = schedule.intendedStart(k);
      if (intended >= endNanos) {
        return;
      }
      if (clock.nanoTime() < intended) {
        clock.parkUntil(intended);
      }
      long sent = clock.nanoTime();
      if (sent >= endNanos) {
        tally.unsent(schedule.dueBefore(endNanos) - k);
        return;
      }
      try {
        int status = exchange.send(sequence.getAsInt());
        tally.response(status, intended, sent, clock.nanoTime());
      } catch (IOException e) {
        tally.ioFailure();
      }
    }
  }
}
