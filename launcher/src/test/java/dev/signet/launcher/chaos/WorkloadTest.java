package dev.signet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.launcher.chaos.Workload.Exchange;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  private final Workload workload = new Workload(99, 100_000);
  private final List<Exchange> exchanges =
      IntStream.range(0, 100_000).mapToObj(workload::exchange).toList();

  @Test
  void shouldSpreadAFullRunOverAFewThousandTracesWithManyHopsEach() {
    long traces = exchanges.stream().map(Exchange::trace).distinct().count();

    assertThat(traces).isEqualTo(3_333);
  }

  @Test
  void shouldMixSyncAsyncDuplicatesOnePercentPoisonAndFivePercentForwards() {
    assertThat(share(Exchange::sync)).isBetween(0.48, 0.52);
    assertThat(share(Exchange::duplicate)).isBetween(0.045, 0.055);
    assertThat(share(Exchange::poison)).isBetween(0.008, 0.012);
    assertThat(share(Exchange::forward)).isBetween(0.045, 0.055);
  }

  @Test
  void shouldGiveEveryExchangeItsOwnKeyAndKeepATraceOnOneTenant() {
    assertThat(exchanges.stream().map(Exchange::idempotencyKey).distinct().count())
        .isEqualTo(100_000);
    Map<String, Set<String>> tenantsPerTrace =
        exchanges.stream()
            .collect(
                Collectors.groupingBy(
                    Exchange::trace, Collectors.mapping(Exchange::tenant, Collectors.toSet())));
    assertThat(tenantsPerTrace.values()).allSatisfy(tenants -> assertThat(tenants).hasSize(1));
    assertThat(exchanges.stream().map(Exchange::tenant).distinct()).hasSize(2);
  }

  @Test
  void shouldDeriveEachExchangeFromSeedAndIndexAlone() {
    assertThat(new Workload(99, 100_000).exchange(12_345)).isEqualTo(exchanges.get(12_345));
    assertThat(new Workload(100, 100_000).exchange(12_345)).isNotEqualTo(exchanges.get(12_345));
  }

  private double share(java.util.function.Predicate<Exchange> which) {
    return exchanges.stream().filter(which).count() / (double) exchanges.size();
  }
}
