package dev.signet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.metrics.MeterRegistrationFailures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class StateStoreMetricTagsTest {

  private final PrometheusMeterRegistry registry = ServiceShell.prometheusRegistry();

  private void storeMetric(String name, String idKey, String store, double value) {
    Gauge.builder(name, () -> value)
        .tag("thread.id", "t1")
        .tag("task.id", "0_0")
        .tag(idKey, store)
        .register(registry);
  }

  /** Tag keys as Micrometer's Kafka binder writes them: Kafka's, with dots for dashes. */
  @Test
  void shouldExportTheMetricsOfEveryKindOfStoreUnderOneSetOfTagKeys() {
    storeMetric("kafka.stream.state.put.rate", "rocksdb.state.id", "idempotency", 1);
    storeMetric("kafka.stream.state.put.rate", "rocksdb.window.state.id", "usage-hourly", 2);
    storeMetric("kafka.stream.state.put.rate", "in.memory.state.id", "api-key-table", 3);

    String scrape = registry.scrape();

    assertThat(registry.get(MeterRegistrationFailures.NAME).counter().count()).isZero();
    assertThat(scrape)
        .contains("store=\"idempotency\",store_type=\"rocksdb\"")
        .contains("store=\"usage-hourly\",store_type=\"rocksdb-window\"")
        .contains("store=\"api-key-table\",store_type=\"in-memory\"")
        .doesNotContain("state_id");
  }

  @Test
  void shouldLeaveOtherMetricsAlone() {
    Gauge.builder("kafka.stream.thread.poll.rate", () -> 1)
        .tag("thread.id", "t1")
        .tag("rocksdb.state.id", "not a store metric")
        .register(registry);

    assertThat(registry.scrape()).contains("rocksdb_state_id=\"not a store metric\"");
  }
}
