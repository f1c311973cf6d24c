package dev.signet.processor.egress;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Per-host limits of the forward worker: at most {@code perHost} forwards to one host at once (a
 * slow host cannot hold every worker thread dialling it), and a circuit breaker that stops dialling
 * a host after {@code failuresToOpen} consecutive failures for {@code openFor}, then lets one
 * forward through to probe it. Thread-safe.
 */
final class HostGate {

  /** Why a forward may not be made now; null when it may. */
  enum Closed {
    BUSY,
    CIRCUIT_OPEN
  }

  private record Breaker(int failures, long openUntilMs) {}

  private final int perHost;
  private final int failuresToOpen;
  private final Duration openFor;
  private final Clock clock;
  private final Map<String, Semaphore> slots = new ConcurrentHashMap<>();
  private final Map<String, Breaker> breakers = new ConcurrentHashMap<>();

  HostGate(int perHost, int failuresToOpen, Duration openFor, Clock clock) {
    this.perHost = perHost;
    this.failuresToOpen = failuresToOpen;
    this.openFor = openFor;
    this.clock = clock;
  }

  /**
   * Takes a slot for {@code host}, waiting up to {@code wait}; null when taken (the caller must
   * {@link #release}), else why not.
   */
  Closed enter(String host, Duration wait) {
    Breaker breaker = breakers.get(host);
    if (breaker != null && breaker.openUntilMs() > clock.millis()) {
      return Closed.CIRCUIT_OPEN;
    }
    Semaphore semaphore = slots.computeIfAbsent(host, h -> new Semaphore(perHost));
    try {
      if (!semaphore.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        return Closed.BUSY;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Closed.BUSY;
    }
    return null;
  }

  /** Gives the slot back and tells the breaker whether the host answered well. */
  void release(String host, boolean healthy) {
    slots.get(host).release();
    if (healthy) {
      breakers.remove(host);
      return;
    }
    breakers.compute(
        host,
        (h, b) -> {
          int failures = (b == null ? 0 : b.failures()) + 1;
          long openUntil = failures >= failuresToOpen ? clock.millis() + openFor.toMillis() : 0;
          return new Breaker(failures, openUntil);
        });
  }
}
