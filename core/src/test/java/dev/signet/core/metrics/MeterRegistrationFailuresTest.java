package dev.signet.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class MeterRegistrationFailuresTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter failures = MeterRegistrationFailures.watch(registry);

  @Test
  void shouldCountAGaugeNamedLikeACounterWithoutItsSuffix() {
    Counter.builder("signet_things_total").register(registry);
    Gauge.builder("signet_things", () -> 1).register(registry);

    assertThat(failures.count()).isEqualTo(1);
    assertThat(registry.scrape())
        .contains(MeterRegistrationFailures.NAME + " 1.0")
        .doesNotContain("signet_things 1.0");
  }

  @Test
  void shouldCountAMeterWhoseTagKeysDifferFromItsNamesake() {
    Counter.builder("signet_calls_total").tag("result", "ok").register(registry);
    Counter.builder("signet_calls_total").tag("outcome", "ok").register(registry);

    assertThat(failures.count()).isEqualTo(1);
  }

  @Test
  void shouldCountARefusalOnceWhenTheRegistryIsWatchedTwice() {
    assertThat(MeterRegistrationFailures.watch(registry)).isSameAs(failures);
    Counter.builder("signet_things_total").register(registry);
    Gauge.builder("signet_things", () -> 1).register(registry);

    assertThat(failures.count()).isEqualTo(1);
  }

  @Test
  void shouldCountNothingForDistinctNames() {
    Counter.builder("signet_things_total").register(registry);
    Gauge.builder("signet_things_pending", () -> 1).register(registry);

    assertThat(failures.count()).isZero();
    assertThat(registry.scrape()).contains("signet_things_pending 1.0");
  }
}
