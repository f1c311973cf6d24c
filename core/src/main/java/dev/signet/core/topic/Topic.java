package dev.signet.core.topic;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/** A topic's name and the serdes of its keys and values, declared once in {@link Topics}. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
  }
}
