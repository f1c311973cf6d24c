package dev.signet.processor.repair;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The repair worker's meters. */
final class RepairWorkerMetrics {

  static final String REFUSED = "signet_repair_requests_refused_total";
  static final String CALLS = "signet_repair_calls_total";
  static final String CALL_SECONDS = "signet_repair_call_seconds";
  static final String IN_FLIGHT = "signet_repair_calls_in_flight";

  private final MeterRegistry registry;
  private final Counter replied;
  private final Counter failed;
  private final Timer callTime;
  final AtomicInteger inFlight = new AtomicInteger();

  RepairWorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    replied = calls(registry, "replied");
    failed = calls(registry, "failed");
    callTime =
        Timer.builder(CALL_SECONDS)
            .description("Duration of model calls made by the repair worker, retries included")
            .register(registry);
    Gauge.builder(IN_FLIGHT, inFlight, AtomicInteger::get)
        .description("Model calls the repair worker has in flight")
        .register(registry);
  }

  void refused(String reason) {
    Counter.builder(REFUSED)
        .description("Repair requests refused unread by the model (no valid MAC, unreadable)")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  void called(boolean repliedOk, Duration took) {
    (repliedOk ? replied : failed).increment();
    callTime.record(took);
  }

  private static Counter calls(MeterRegistry registry, String result) {
    return Counter.builder(CALLS)
        .description("Model calls made by the repair worker, by result")
        .tag("result", result)
        .register(registry);
  }
}
