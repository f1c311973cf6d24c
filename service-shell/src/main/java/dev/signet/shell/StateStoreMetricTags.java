package dev.signet.shell;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * One set of tag keys for Kafka Streams' state-store metrics. Streams names a store's id tag after
 * its kind ({@code rocksdb-state-id}, {@code rocksdb-window-state-id}, {@code in-memory-state-id},
 * …), so one metric name carries different tag keys per kind, and Prometheus, which requires one
 * set of keys per name, refused every kind but the first: most stores' metrics were never exported.
 * Each becomes {@code store} (the id) and {@code store_type} (the kind).
 */
final class StateStoreMetricTags implements MeterFilter {

  private static final String STATE_METRICS = "kafka.stream.state.";
  // Micrometer's Kafka binder turns Kafka's "rocksdb-window-state-id" into
  // "rocksdb.window.state.id".
  private static final String ID_SUFFIX = ".state.id";

  @Override
  public Meter.Id map(Meter.Id id) {
    if (!id.getName().startsWith(STATE_METRICS)) {
      return id;
    }
    List<Tag> tags = new ArrayList<>();
    boolean renamed = false;
    for (Tag tag : id.getTagsAsIterable()) {
      String key = tag.getKey().replace('-', '.');
      if (key.endsWith(ID_SUFFIX)) {
        String kind = key.substring(0, key.length() - ID_SUFFIX.length()).replace('.', '-');
        tags.add(Tag.of("store", tag.getValue()));
        tags.add(Tag.of("store_type", kind));
        renamed = true;
      } else {
        tags.add(tag);
      }
    }
    return renamed ? id.replaceTags(tags) : id;
  }
}
