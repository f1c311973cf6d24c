package dev.signet.cli.topics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

/** How an existing topic is judged against its spec, without a broker. */
class TopicApplierCheckTest {

  private static final TopicLayout LAYOUT = new TopicLayout(4, (short) 1, OptionalInt.of(1));
  private static final Node BROKER = new Node(1, "127.0.0.1", 9092);

  private static TopicSpec specOf(Topic<?, ?> topic) {
    return TopicSpec.of(List.of(topic), LAYOUT).get(0);
  }

  private static TopicDescription described(String name, int partitions) {
    List<TopicPartitionInfo> infos = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      infos.add(new TopicPartitionInfo(p, BROKER, List.of(BROKER), List.of(BROKER)));
    }
    return new TopicDescription(name, false, infos);
  }

  private static Config config(Map<String, String> values) {
    return new Config(
        values.entrySet().stream().map(e -> new ConfigEntry(e.getKey(), e.getValue())).toList());
  }

  @Test
  void shouldLeaveATopicAsWantedUnchanged() {
    TopicSpec spec = specOf(Topics.BILLING_USAGE_HOURLY);

    TopicResult result =
        TopicApplier.check(
            spec,
            described(spec.name(), 4),
            config(Map.of("cleanup.policy", "compact", "min.insync.replicas", "1")));

    assertThat(result.action()).isEqualTo(TopicResult.Action.UNCHANGED);
  }

  @Test
  void shouldFailOnAnotherPartitionCountForATopicCoPartitionedWithRequests() {
    TopicSpec spec = specOf(Topics.EXCHANGE_FORWARD_OUTCOMES);

    TopicResult result =
        TopicApplier.check(
            spec, described(spec.name(), 8), config(Map.of("min.insync.replicas", "1")));

    assertThat(result.action()).isEqualTo(TopicResult.Action.ERROR);
    assertThat(result.detail()).contains("has 8 partitions, 4 requested", "apply with 8");
  }

  @Test
  void shouldOnlyWarnOnAnotherPartitionCountForOtherTopics() {
    TopicSpec spec = specOf(Topics.RECEIPTS);

    TopicResult result =
        TopicApplier.check(
            spec, described(spec.name(), 8), config(Map.of("min.insync.replicas", "1")));

    assertThat(result.action()).isEqualTo(TopicResult.Action.WARNING);
    assertThat(result.detail()).contains("has 8 partitions, 4 requested");
  }

  @Test
  void shouldWarnWhenAConfigDiffersAndNameBothValues() {
    TopicSpec spec = specOf(Topics.BILLING_PERIOD_TOTALS);

    TopicResult result =
        TopicApplier.check(
            spec,
            described(spec.name(), 4),
            config(Map.of("cleanup.policy", "delete", "min.insync.replicas", "1")));

    assertThat(result.action()).isEqualTo(TopicResult.Action.WARNING);
    assertThat(result.detail()).contains("cleanup.policy is delete, the code wants compact");
  }
}
