package dev.signet.store;

import java.time.Duration;

/** Exponential backoff between retries of one failing operation, capped; reset after a success. */
final class Backoff {

  private final Duration initial;
  private final Duration max;
  private Duration next;

  Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
    }
    this.initial = initial;
    this.max = max;
    this.next = initial;
  }

  /**
   * How long to wait before the next attempt; each call doubles the following one, up to the cap.
   */
  Duration nextDelay() {
    Duration delay = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return delay;
  }

  void reset() {
    next = initial;
  }
}
