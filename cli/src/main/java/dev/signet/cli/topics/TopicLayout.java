package dev.signet.cli.topics;

import java.util.OptionalInt;

/**
 * How many partitions and replicas Signet's topics get, and the {@code min.insync.replicas} they
 * are created with (empty: the broker's default). One layout for every topic: the request-keyed
 * topics must share a partition count, and the others have no reason to differ.
 */
public record TopicLayout(int partitions, short replicationFactor, OptionalInt minInsyncReplicas) {

  public TopicLayout {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replication factor must be at least 1, got " + replicationFactor);
    }
    if (minInsyncReplicas.isPresent()
        && (minInsyncReplicas.getAsInt() < 1 || minInsyncReplicas.getAsInt() > replicationFactor)) {
      throw new IllegalArgumentException(
          "min.insync.replicas must be between 1 and the replication factor ("
              + replicationFactor
              + "), got "
              + minInsyncReplicas.getAsInt());
    }
  }

  /**
   * The {@code min.insync.replicas} the commands use unless told otherwise: one broker may be down
   * while writes still reach two replicas ({@code acks=all}), and never more than the replicas
   * there are.
   */
  public static int defaultMinInsyncReplicas(int replicationFactor) {
    return Math.max(1, Math.min(2, replicationFactor - 1));
  }
}
