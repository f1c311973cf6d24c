package dev.signet.shell;

import java.util.function.Supplier;

/**
 * A probe of one part of a service (its Kafka Streams client, its receipt sink), asked on every
 * request to {@code /healthz}; it must answer at once, without I/O.
 */
@FunctionalInterface
public interface HealthCheck {

  Health check();

  /**
   * This check, showing {@code value} as one more detail, e.g. a sink's consumer lag. The detail
   * does not change the status; a probe that fails is shown as its error.
   */
  default HealthCheck withDetail(String name, Supplier<?> value) {
    return () -> {
      Health health = check();
      Object shown;
      try {
        shown = value.get();
      } catch (RuntimeException e) {
        shown = "unavailable: " + e;
      }
      return health.with(name, shown == null ? "unknown" : shown);
    };
  }
}
