package dev.signet.core.topic;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic's name, the serdes of its keys and values, and how it is cleaned up, declared once in
 * {@link Topics}.
 *
 * @param compacted {@code cleanup.policy=compact}: the latest value per key is what counts
 * @param keptForever {@code retention.ms=-1}: an audit trail, never deleted by time
 */
public record Topic<K, V>(
    String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted, boolean keptForever) {

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
    if (compacted && keptForever) {
      throw new IllegalArgumentException(
          name + ": a compacted topic keeps its keys' latest values");
    }
  }

  public Topic(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {
    this(name, keySerde, valueSerde, compacted, false);
  }

  /** The topic-level configs it must be created with (empty: broker defaults). */
  public Map<String, String> configs() {
    if (compacted) {
      return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    if (keptForever) {
      return Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1");
    }
    return Map.of();
  }
}
