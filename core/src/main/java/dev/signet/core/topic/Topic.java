package dev.signet.core.topic;

import java.util.HashMap;
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
 * @param settings any other topic-level configs the topic must have (see {@link #with})
 */
public record Topic<K, V>(
    String name,
    Serde<K> keySerde,
    Serde<V> valueSerde,
    boolean compacted,
    boolean keptForever,
    Map<String, String> settings) {

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
    if (compacted && keptForever) {
      throw new IllegalArgumentException(
          name + ": a compacted topic keeps its keys' latest values");
    }
    settings = Map.copyOf(settings);
  }

  public Topic(
      String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted, boolean keptForever) {
    this(name, keySerde, valueSerde, compacted, keptForever, Map.of());
  }

  public Topic(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {
    this(name, keySerde, valueSerde, compacted, false);
  }

  /** This topic with one more topic-level config. */
  public Topic<K, V> with(String config, String value) {
    Map<String, String> more = new HashMap<>(settings);
    more.put(config, value);
    return new Topic<>(name, keySerde, valueSerde, compacted, keptForever, more);
  }

  /** The topic-level configs it must be created with (empty: broker defaults). */
  public Map<String, String> configs() {
    Map<String, String> configs = new HashMap<>(settings);
    if (compacted) {
      configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    if (keptForever) {
      configs.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
    }
    return Map.copyOf(configs);
  }
}
