package dev.signet.shell;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Records a consumer has not read yet on its assigned partitions, summed, as of its last poll; -1
 * until known. A gauge and a health detail of a {@link ConsumerLoop}: it grows while the loop
 * cannot keep up or cannot handle what it reads.
 */
public final class ConsumerLag {

  private final AtomicLong records = new AtomicLong(-1);

  private ConsumerLag() {}

  /** A lag shown as the gauge {@code name}. */
  public static ConsumerLag register(MeterRegistry registry, String name, String description) {
    ConsumerLag lag = new ConsumerLag();
    Gauge.builder(name, lag, ConsumerLag::records).description(description).register(registry);
    return lag;
  }

  /**
   * Sums the lag the consumer knows from its last fetch; keeps the previous figure while a
   * partition's lag is unknown (e.g. just assigned), rather than show a total that is too small.
   * Call on the consumer's thread, after a poll.
   */
  public void update(Consumer<?, ?> consumer) {
    long total = 0;
    for (TopicPartition partition : consumer.assignment()) {
      OptionalLong partitionLag = consumer.currentLag(partition);
      if (partitionLag.isEmpty()) {
        return;
      }
      total += partitionLag.getAsLong();
    }
    records.set(total);
  }

  /** The lag in records, -1 until known. */
  public long records() {
    return records.get();
  }
}
