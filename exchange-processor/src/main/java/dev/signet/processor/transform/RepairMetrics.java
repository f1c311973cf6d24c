package dev.signet.processor.transform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code signet_repair_attempts_total{step}} and {@code signet_repair_success_total{step}}, the
 * Python original's names: one attempt each time a repair rung is tried (strict parsing is not a
 * repair and is not counted), one success each time that rung reads the document.
 */
public final class RepairMetrics {

  private final Map<RepairStep, Counter> attempts = new EnumMap<>(RepairStep.class);
  private final Map<RepairStep, Counter> successes = new EnumMap<>(RepairStep.class);

  public RepairMetrics(MeterRegistry meters) {
    for (RepairStep step : RepairStep.values()) {
      if (step == RepairStep.NONE) {
        continue;
      }
      attempts.put(
          step,
          Counter.builder("signet_repair_attempts")
              .tag("step", step.label())
              .description("Repair rungs tried on embedded documents, by step")
              .register(meters));
      successes.put(
          step,
          Counter.builder("signet_repair_success")
              .tag("step", step.label())
              .description("Embedded documents read by a repair rung, by step")
              .register(meters));
    }
  }

  /** Counters nobody reads, for callers without a registry (tests, tools). */
  static RepairMetrics unregistered() {
    return new RepairMetrics(new SimpleMeterRegistry());
  }

  public void attempted(RepairStep step) {
    attempts.get(step).increment();
  }

  public void succeeded(RepairStep step) {
    successes.get(step).increment();
  }
}
