package dev.signet.shell;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several {@link Service}s of one process run as one (billing: its Streams application and its
 * ledger worker). All start together; the group is ready when every part is, live while every part
 * is; when any part stops, the whole group is closed, and it has failed when any part failed, so
 * the process exits and its supervisor restarts all of it.
 */
public final class ServiceGroup implements Service {

  private static final Logger log = LoggerFactory.getLogger(ServiceGroup.class);

  private final String name;
  private final Map<String, Service> parts;
  private final CountDownLatch firstStopped = new CountDownLatch(1);
  private final AtomicBoolean failed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param parts each part by the name its health is shown under, started in this order and closed
   *     in the reverse order
   */
  public ServiceGroup(String name, Map<String, ? extends Service> parts) {
    this.name = Objects.requireNonNull(name, "name");
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("a service group needs at least one part");
    }
    this.parts = new LinkedHashMap<>(parts);
  }

  /** The part shown under {@code name}. */
  public Service part(String partName) {
    return Objects.requireNonNull(parts.get(partName), partName);
  }

  /** Starts every part; if one cannot start, closes those started and rethrows. */
  @Override
  public ServiceGroup start() {
    try {
      for (Map.Entry<String, Service> part : parts.entrySet()) {
        part.getValue().start();
        watch(part.getKey(), part.getValue());
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    return this;
  }

  private void watch(String partName, Service part) {
    Thread watcher =
        new Thread(
            () -> {
              try {
                if (part.awaitTermination() == Termination.FAILED) {
                  failed.set(true);
                  log.error("{}: its {} failed; stopping the whole {}", name, partName, name);
                } else if (!closed.get()) {
                  log.warn("{}: its {} stopped; stopping the whole {}", name, partName, name);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              firstStopped.countDown();
            },
            "signet-" + partName + "-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  @Override
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Service part : parts.values()) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      if (!part.awaitRunning(left)) {
        return false;
      }
    }
    return true;
  }

  /** Blocks until any part stops; then closes the others. {@code FAILED} if any part failed. */
  @Override
  public Termination awaitTermination() throws InterruptedException {
    firstStopped.await();
    close();
    return failed.get() ? Termination.FAILED : Termination.STOPPED;
  }

  /** Every part's health under its name; up only when every part is. */
  @Override
  public HealthCheck health() {
    Map<String, HealthCheck> checks = new LinkedHashMap<>();
    parts.forEach((partName, part) -> checks.put(partName, part.health()));
    return () -> {
      boolean live = true;
      boolean ready = true;
      List<String> states = new ArrayList<>();
      Map<String, Object> details = new LinkedHashMap<>();
      for (Map.Entry<String, HealthCheck> check : checks.entrySet()) {
        Health health;
        try {
          health = check.getValue().check();
        } catch (RuntimeException e) {
          health = Health.failed("UNKNOWN").with("error", e.toString());
        }
        live &= health.live();
        ready &= health.ready();
        states.add(check.getKey() + "=" + health.state());
        details.put(check.getKey() + ".state", health.state());
        for (Map.Entry<String, Object> detail : health.details().entrySet()) {
          details.put(check.getKey() + "." + detail.getKey(), detail.getValue());
        }
      }
      return new Health(live, ready && live, String.join(", ", states), details);
    };
  }

  /** Closes every part, the last started first; safe to call more than once. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<Service> reversed = new ArrayList<>(parts.values());
    Collections.reverse(reversed);
    for (Service part : reversed) {
      try {
        part.close();
      } catch (RuntimeException e) {
        log.warn("{}: error while stopping a part", name, e);
      }
    }
  }
}
