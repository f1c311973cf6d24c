package dev.signet.launcher.bench;

/**
 * When each request of one connection is due under a fixed offered rate, wrk2's way: {@code
 * connections} connections share {@code ratePerSecond}, so each one sends every {@code connections
 * / ratePerSecond} seconds, and connection {@code i} is offset by {@code i / ratePerSecond} so that
 * the sends of all of them interleave evenly. Every intended start is computed from the run's start
 * in exact integer nanoseconds, never accumulated, so the schedule does not drift however late the
 * sends are.
 */
record RateSchedule(long startNanos, int connection, int connections, long ratePerSecond) {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  RateSchedule {
    if (connections < 1 || connection < 0 || connection >= connections) {
      throw new IllegalArgumentException(
          "connection " + connection + " of " + connections + " is not a connection");
    }
    if (ratePerSecond < 1) {
      throw new IllegalArgumentException("rate must be at least 1/s, got " + ratePerSecond);
    }
  }

  /** The {@code k}-th request's intended start (k from 0), on the {@link System#nanoTime} scale. */
  long intendedStart(long k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must not be negative, got " + k);
    }
    long slot = Math.addExact(Math.multiplyExact(k, (long) connections), connection);
    return startNanos + Math.multiplyExact(slot, NANOS_PER_SECOND) / ratePerSecond;
  }

  /** How many of this connection's requests are due before {@code endNanos}. */
  long dueBefore(long endNanos) {
    if (endNanos <= startNanos) {
      return 0;
    }
    // An estimate from the rate, then exact by the same arithmetic as intendedStart.
    long slots =
        (endNanos - startNanos) / NANOS_PER_SECOND * ratePerSecond
            + (endNanos - startNanos) % NANOS_PER_SECOND * ratePerSecond / NANOS_PER_SECOND;
    long k = Math.max(0, (slots - connection) / connections);
    while (k > 0 && intendedStart(k - 1) >= endNanos) {
      k--;
    }
    while (intendedStart(k) < endNanos) {
      k++;
    }
    return k;
  }
}
