package dev.signet.processor.egress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * {@code signet_forward_total{host,outcome}} ({@code ok}, {@code 4xx}, {@code 5xx}, {@code
 * failed}), {@code signet_denied_total{reason}} (the {@code HEL_*} code of a denial after
 * resolution; denials at precheck are counted by the processor's results), and the forward latency
 * histogram {@code signet_forward_seconds}. Hosts are allow-listed, so the host tag is bounded by
 * the allow-lists.
 */
final class ForwardMeters {

  private final MeterRegistry registry;
  private final Timer latency;

  ForwardMeters(MeterRegistry registry) {
    this.registry = registry;
    this.latency =
        Timer.builder("signet_forward_seconds")
            .description("Forwards from resolution to the answer read")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(60))
            .register(registry);
  }

  void forwarded(String host, String outcome, Duration took) {
    Counter.builder("signet_forward")
        .description("Forwards made, by host and outcome")
        .tag("host", host)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
    latency.record(took);
  }

  void denied(String reason) {
    Counter.builder("signet_denied")
        .description("Forwards denied after resolution, by HEL code")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }
}
