package dev.signet.processor;

import dev.signet.core.trace.TracePartitioner;

/**
 * Where a trace's hops must be processed: the task of its partition under Signet's mapping ({@link
 * TracePartitioner}), whatever partitioner the producer used. A record that landed elsewhere
 * (librdkafka's CRC32 default, an explicit partition, a null key) is re-produced to its trace's
 * partition in the same transaction that consumes it, so it is neither lost nor doubled.
 */
record TraceRouting(int partitions) {

  TraceRouting {
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "the requests topic has at least one partition, got " + partitions);
    }
  }

  int home(String traceId) {
    return TracePartitioner.partition(traceId, partitions);
  }

  boolean isHome(String traceId, int partition) {
    return home(traceId) == partition;
  }
}
