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
  private final int perTenant;
  private final int failuresToOpen;
  private final Duration openFor;
  private final Clock clock;
  private final Map<String, Semaphore> hostSlots = new ConcurrentHashMap<>();
  private final Map<String, Semaphore> tenantSlots = new ConcurrentHashMap<>();
  private final Map<String, Breaker> breakers = new ConcurrentHashMap<>();

  HostGate(int perHost, int perTenant, int failuresToOpen, Duration openFor, Clock clock) {
    this.perHost = perHost;
    this.perTenant = perTenant;
    this.failuresToOpen = failuresToOpen;
    this.openFor = openFor;
    this.clock = clock;
  }

  /**
   * Takes a slot of {@code tenant} and one of {@code host}, waiting up to {@code wait} for each;
   * null when taken (the caller must {@link #release}), else why not.
   */
  Closed enter(String tenant, String host, Duration wait) {
    Breaker breaker = breakers.get(host);
    if (breaker != null && breaker.openUntilMs() > clock.millis()) {
      return Closed.CIRCUIT_OPEN;
    }
    Semaphore tenantSlot = tenantSlots.computeIfAbsent(tenant, t -> new Semaphore(perTenant));
    if (!acquire(tenantSlot, wait)) {
      return Closed.BUSY;
    }
    if (!acquire(hostSlots.computeIfAbsent(host, h -> new Semaphore(perHost)), wait)) {
      tenantSlot.release();
      return Closed.BUSY;
    }
    return null;
  }

  private static boolean acquire(Semaphore slot, Duration wait) {
    try {
      return slot.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Gives the slots back and tells the breaker whether the host answered well. */
  void release(String tenant, String host, boolean healthy) {
    hostSlots.get(host).release();
    tenantSlots.get(tenant).release();
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
