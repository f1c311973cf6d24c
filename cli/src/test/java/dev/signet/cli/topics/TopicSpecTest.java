package dev.signet.cli.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicSpecTest {

  private static final TopicLayout PRODUCTION = new TopicLayout(12, (short) 3, OptionalInt.of(2));

  private static TopicSpec specOf(Topic<?, ?> topic, TopicLayout layout) {
    return TopicSpec.of(List.of(topic), layout).get(0);
  }

  @Test
  void shouldCreateCompactedTopicsWithCompactCleanupAndTheMinInsyncReplicas() {
    assertThat(specOf(Topics.BILLING_RESERVED_CONFIG, PRODUCTION).configs())
        .isEqualTo(Map.of("cleanup.policy", "compact", "min.insync.replicas", "2"));
  }

  @Test
  void shouldKeepAuditTopicsForever() {
    assertThat(specOf(Topics.BILLING_RESERVED_CONFIG_AUDIT, PRODUCTION).configs())
        .isEqualTo(Map.of("retention.ms", "-1", "min.insync.replicas", "2"));
  }

  @Test
  void shouldGiveOtherTopicsOnlyTheMinInsyncReplicas() {
    assertThat(specOf(Topics.RECEIPTS, PRODUCTION).configs())
        .isEqualTo(Map.of("min.insync.replicas", "2"));
  }

  @Test
  void shouldLeaveMinInsyncReplicasToTheBrokerWhenTheLayoutHasNone() {
    TopicLayout local = new TopicLayout(4, (short) 1, OptionalInt.empty());

    assertThat(specOf(Topics.RECEIPTS, local).configs()).isEmpty();
    assertThat(specOf(Topics.BILLING_USAGE_HOURLY, local).configs())
        .isEqualTo(Map.of("cleanup.policy", "compact"));
  }

  @Test
  void shouldGiveEveryTopicTheLayoutsPartitionsAndReplication() {
    assertThat(TopicSpec.all(PRODUCTION))
        .hasSameSizeAs(Topics.all())
        .allSatisfy(
            spec -> {
              assertThat(spec.partitions()).isEqualTo(12);
              assertThat(spec.replicationFactor()).isEqualTo((short) 3);
            });
  }

  @Test
  void shouldMarkExactlyTheRequestsTopicAndTheTopicsCoPartitionedWithIt() {
    assertThat(TopicSpec.all(PRODUCTION).stream().filter(TopicSpec::partitionedLikeRequests))
        .extracting(TopicSpec::name)
        .containsExactlyInAnyOrder(
            "signet.exchange.requests.v1",
            "signet.exchange.repair-requests.v1",
            "signet.exchange.repair-outcomes.v1",
            "signet.exchange.forward-requests.v1",
            "signet.exchange.forward-outcomes.v1");
  }

  @ParameterizedTest(name = "replication {0} -> min.insync.replicas {1}")
  @CsvSource({"1, 1", "2, 1", "3, 2", "5, 2"})
  void shouldDefaultMinInsyncReplicasToLeaveOneBrokerSpare(int replication, int expected) {
    assertThat(TopicLayout.defaultMinInsyncReplicas(replication)).isEqualTo(expected);
  }

  @Test
  void shouldRefuseMoreInsyncReplicasThanReplicas() {
    assertThatThrownBy(() -> new TopicLayout(4, (short) 2, OptionalInt.of(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min.insync.replicas");
  }

  @Test
  void shouldRefuseZeroPartitions() {
    assertThatThrownBy(() -> new TopicLayout(0, (short) 1, OptionalInt.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitions");
  }
}
