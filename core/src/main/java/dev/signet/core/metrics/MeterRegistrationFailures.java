package dev.signet.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a meter the registry refused visible. Prometheus refuses a second meter whose name (its
 * {@code _total} suffix aside) or tag keys clash with one already registered, and Micrometer then
 * drops it with a log line: the series a dashboard or an alert queries is silently missing. Each
 * refusal is logged with the meter's name and counted in {@value #NAME}, which tests and an alert
 * can hold at 0.
 */
public final class MeterRegistrationFailures {

  public static final String NAME = "signet_meter_registration_failures_total";

  private static final Logger log = LoggerFactory.getLogger(MeterRegistrationFailures.class);

  private MeterRegistrationFailures() {}

  /**
   * Counts, from now on, every meter {@code registry} refuses; returns the counter. Watching a
   * registry twice (local mode hands its one registry to every service) counts each refusal once.
   */
  public static synchronized Counter watch(MeterRegistry registry) {
    Counter watching = registry.find(NAME).counter();
    if (watching != null) {
      return watching;
    }
    Counter failures =
        Counter.builder(NAME)
            .description("Meters the registry refused (a clashing name or tag keys): fix the code")
            .register(registry);
    registry
        .config()
        .onMeterRegistrationFailed(
            (id, reason) -> {
              failures.increment();
              log.error("Meter {} is not exported: {}", id.getName(), reason);
            });
    return failures;
  }
}
