package dev.signet.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.trace.TracePartitioner;
import org.junit.jupiter.api.Test;

class TraceRoutingTest {

  @Test
  void shouldPlaceATraceWhereSignetsPartitionerDoes() {
    TraceRouting routing = new TraceRouting(8);

    for (int i = 0; i < 50; i++) {
      String trace = "trace-" + i;
      assertThat(routing.home(trace)).isEqualTo(TracePartitioner.partition(trace, 8));
      assertThat(routing.isHome(trace, routing.home(trace))).isTrue();
      assertThat(routing.isHome(trace, (routing.home(trace) + 1) % 8)).isFalse();
    }
  }

  @Test
  void shouldTreatAnUnknownPartitionAsAway() {
    assertThat(new TraceRouting(1).isHome("t", -1)).isFalse();
  }

  @Test
  void shouldRefuseATopicWithoutPartitions() {
    assertThatThrownBy(() -> new TraceRouting(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
