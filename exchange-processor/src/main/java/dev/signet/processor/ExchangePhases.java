package dev.signet.processor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code signet_exchange_phase_latency_seconds{phase}}: where an exchange's time goes inside the
 * processor, each phase observed on every exchange that reaches it. {@code intake} (read,
 * authenticate, admit, route), {@code transform} (sanitise, parse rungs, schemas, mapping, checks),
 * {@code repair} (from asking the model to its recorded outcome, as the exchange waits), {@code
 * issue} (chain, canonicalise, hash, sign).
 */
final class ExchangePhases {

  enum Phase {
    INTAKE("intake"),
    TRANSFORM("transform"),
    REPAIR("repair"),
    FORWARD("forward"),
    ISSUE("issue");

    private final String label;

    Phase(String label) {
      this.label = label;
    }
  }

  private final Map<Phase, Timer> timers = new EnumMap<>(Phase.class);

  ExchangePhases(MeterRegistry meters) {
    for (Phase phase : Phase.values()) {
      timers.put(
          phase,
          Timer.builder("signet_exchange_phase_latency")
              .tag("phase", phase.label)
              .description("Time an exchange spends in each processor phase")
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofNanos(10_000))
              .maximumExpectedValue(Duration.ofSeconds(60))
              .register(meters));
    }
  }

  <T> T time(Phase phase, Supplier<T> work) {
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      timers.get(phase).record(Duration.ofNanos(System.nanoTime() - start));
    }
  }

  void record(Phase phase, Duration elapsed) {
    timers.get(phase).record(elapsed);
  }
}
