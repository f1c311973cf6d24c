package dev.signet.core.trace;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Signet's mapping of a trace to a partition of {@code signet.exchange.requests.v1}: murmur2 of the
 * UTF-8 trace id, exactly what Kafka's Java producer does for a String key. Every hop of a trace
 * must be processed by the task of this partition, whatever partitioner the producer used; the
 * processor re-routes records that arrive elsewhere.
 */
public final class TracePartitioner {

  private TracePartitioner() {}

  public static int partition(String traceId, int partitions) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("a topic has at least one partition, got " + partitions);
    }
    return Utils.toPositive(Utils.murmur2(traceId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
