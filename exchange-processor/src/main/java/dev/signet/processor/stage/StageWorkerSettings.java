package dev.signet.processor.stage;

import java.time.Duration;
import java.util.Objects;

/**
 * How a stage worker runs.
 *
 * @param concurrency the most requests worked on at once (also the most requests one poll returns),
 *     default {@value #DEFAULT_CONCURRENCY}
 * @param pollTimeout longest wait of one poll, and so the longest a completed outcome waits before
 *     it is written
 * @param drainTimeout on revocation or close, how long calls in flight are waited for before their
 *     requests are left to the next owner
 * @param maxRecoveryScan the most outcome records read per partition on assignment to find the
 *     requests already answered (see {@link StageWorker})
 */
public record StageWorkerSettings(
    int concurrency, Duration pollTimeout, Duration drainTimeout, int maxRecoveryScan) {

  public static final int DEFAULT_CONCURRENCY = 16;
  // A completed call waits for the poll in hand before it is written: this is its latency cost.
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(20);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_RECOVERY_SCAN = 100_000;

  public StageWorkerSettings {
    if (concurrency < 1 || concurrency > 1_000) {
      throw new IllegalArgumentException("concurrency must be within 1..1000, got " + concurrency);
    }
    requirePositive(pollTimeout, "pollTimeout");
    requirePositive(drainTimeout, "drainTimeout");
    if (maxRecoveryScan < 1) {
      throw new IllegalArgumentException(
          "maxRecoveryScan must be positive, got " + maxRecoveryScan);
    }
  }

  public static StageWorkerSettings defaults() {
    return new StageWorkerSettings(
        DEFAULT_CONCURRENCY,
        DEFAULT_POLL_TIMEOUT,
        DEFAULT_DRAIN_TIMEOUT,
        DEFAULT_MAX_RECOVERY_SCAN);
  }

  public StageWorkerSettings withConcurrency(int calls) {
    return new StageWorkerSettings(calls, pollTimeout, drainTimeout, maxRecoveryScan);
  }

  public StageWorkerSettings withDrainTimeout(Duration timeout) {
    return new StageWorkerSettings(concurrency, pollTimeout, timeout, maxRecoveryScan);
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
