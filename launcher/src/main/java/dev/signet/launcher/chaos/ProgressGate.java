package dev.signet.launcher.chaos;

import java.time.Duration;

/**
 * Holds the load back a little past the next fault's moment until that fault has been injected, so
 * that faults land while exchanges are in flight however fast or slow the machine is.
 */
final class ProgressGate {

  private volatile int limit;

  ProgressGate(int limit) {
    this.limit = limit;
  }

  void open(int newLimit) {
    limit = newLimit;
  }

  /** Blocks until exchange {@code index} may start. */
  void awaitPermit(int index) {
    while (index >= limit) {
      ChaosCluster.sleep(Duration.ofMillis(20));
    }
  }
}
