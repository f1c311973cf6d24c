package dev.signet.cli.topics;

import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.TopicConfig;

/**
 * One topic as it must exist on a cluster: the code's table ({@link Topics}) under a {@link
 * TopicLayout}.
 *
 * @param configs topic-level configs, sorted by name: the topic's own ({@code cleanup.policy},
 *     {@code retention.ms}) and the layout's {@code min.insync.replicas}
 * @param partitionedLikeRequests its partition count must equal the requests topic's (see {@link
 *     Topics#partitionedLikeRequests()}): a mismatch on an existing topic is an error, not a
 *     warning
 */
public record TopicSpec(
    String name,
    int partitions,
    short replicationFactor,
    SortedMap<String, String> configs,
    boolean partitionedLikeRequests) {

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    configs = Collections.unmodifiableSortedMap(new TreeMap<>(configs));
  }

  /** Every topic of {@link Topics#all()}, in its order, under {@code layout}. */
  public static List<TopicSpec> all(TopicLayout layout) {
    return of(Topics.all(), layout);
  }

  /** The given topics under {@code layout}. */
  public static List<TopicSpec> of(Collection<? extends Topic<?, ?>> topics, TopicLayout layout) {
    Set<String> likeRequests =
        Topics.partitionedLikeRequests().stream().map(Topic::name).collect(Collectors.toSet());
    return topics.stream()
        .map(
            topic -> {
              SortedMap<String, String> configs = new TreeMap<>(topic.configs());
              layout
                  .minInsyncReplicas()
                  .ifPresent(
                      min ->
                          configs.put(
                              TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(min)));
              return new TopicSpec(
                  topic.name(),
                  layout.partitions(),
                  layout.replicationFactor(),
                  configs,
                  likeRequests.contains(topic.name()));
            })
        .toList();
  }

  /** {@code name=value} pairs, comma separated; "broker defaults" when there are none. */
  public String describeConfigs() {
    if (configs.isEmpty()) {
      return "broker defaults";
    }
    return configs.entrySet().stream()
        .map(Map.Entry::getKey)
        .map(key -> key + "=" + configs.get(key))
        .collect(Collectors.joining(", "));
  }
}
