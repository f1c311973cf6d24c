package dev.signet.processor.transform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code signet_repair_attempts_total{step}} and {@code signet_repair_success_total{step}}, the
 * Python original's names: one attempt each time a repair rung is tried (strict parsing is not a
 * repair and is not counted), one success each time that rung reads the document; and {@code
 * signet_semantic_violation_total{rule}}, one per broken invariant of a model's repair.
 */
public final class RepairMetrics {

  private final Map<RepairStep, Counter> attempts = new EnumMap<>(RepairStep.class);
  private final Map<RepairStep, Counter> successes = new EnumMap<>(RepairStep.class);
  private final Map<String, Counter> violations = new HashMap<>();

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
    for (String rule : Invariants.RULES) {
      violations.put(
          rule,
          Counter.builder("signet_semantic_violation")
              .tag("rule", rule)
              .description("Semantic invariants broken by model repairs, by rule")
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

  /** Counts each violation under its rule ({@code signet_semantic_violation_total{rule}}). */
  public void semanticViolations(List<Violation> found) {
    for (Violation violation : found) {
      Counter counter = violations.get(violation.rule());
      if (counter != null) {
        counter.increment();
      }
    }
  }
}
