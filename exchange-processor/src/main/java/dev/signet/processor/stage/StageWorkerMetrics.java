package dev.signet.processor.stage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stage worker's meters, named after its stage: {@code signet_<stage>_requests_refused_total
 * {reason}}, {@code signet_<stage>_calls_total{result}}, {@code signet_<stage>_call_seconds},
 * {@code signet_<stage>_calls_in_flight}.
 */
final class StageWorkerMetrics {

  private final MeterRegistry registry;
  private final String stage;
  private final Map<String, Counter> calls = new ConcurrentHashMap<>();
  private final Timer callTime;
  final AtomicInteger inFlight = new AtomicInteger();

  StageWorkerMetrics(MeterRegistry registry, String stage, List<String> results) {
    this.registry = registry;
    this.stage = stage;
    results.forEach(this::calls);
    callTime =
        Timer.builder(name("call_seconds"))
            .description("Duration of the " + stage + " worker's calls, retries included")
            .register(registry);
    Gauge.builder(name("calls_in_flight"), inFlight, AtomicInteger::get)
        .description("Calls the " + stage + " worker has in flight")
        .register(registry);
  }

  /** {@code signet_<stage>_<suffix>}, the Prometheus name without a counter's {@code _total}. */
  String name(String suffix) {
    return "signet_" + stage + "_" + suffix;
  }

  void refused(String reason) {
    Counter.builder(name("requests_refused"))
        .description("Requests the " + stage + " worker refused unread (no valid MAC, unreadable)")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  void called(String result, Duration took) {
    calls(result).increment();
    callTime.record(took);
  }

  private Counter calls(String result) {
    return calls.computeIfAbsent(
        result,
        r ->
            Counter.builder(name("calls"))
                .description("Calls made by the " + stage + " worker, by result")
                .tag("result", r)
                .register(registry));
  }
}
