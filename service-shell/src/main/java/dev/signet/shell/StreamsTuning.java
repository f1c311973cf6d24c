package dev.signet.shell;

import dev.signet.core.config.Env;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka Streams settings that every Streams service (processor, billing) takes the same way.
 *
 * @param standbyReplicas {@code SP_STANDBY_REPLICAS}: warm copies of each task's state kept on
 *     other instances ({@code num.standby.replicas}), so a failed instance's tasks move without
 *     restoring from the changelog first; default 0, at most {@value #MAX_STANDBY_REPLICAS}. Each
 *     copy costs the disk and changelog reads of the state it mirrors.
 * @param instanceId {@code SP_INSTANCE_ID} (optional, stable per instance, e.g. the pod name): the
 *     instance becomes a static member of its application's group, so after a crash it gets its
 *     tasks back as soon as it rejoins instead of after the session timeout (45 s)
 * @param rocksDbMemoryMb {@code SP_ROCKSDB_MEMORY_MB}: the native memory (MiB) all RocksDB stores
 *     of the JVM share for block cache, index and filter blocks and memtables ({@link
 *     BoundedRocksDbMemory}); default {@value #DEFAULT_ROCKSDB_MEMORY_MB}. Unbounded, every store
 *     and window segment would take up to a 50 MiB cache and 48 MiB of memtables of its own.
 */
public record StreamsTuning(int standbyReplicas, String instanceId, int rocksDbMemoryMb) {

  public static final String ENV_STANDBY_REPLICAS = "SP_STANDBY_REPLICAS";
  public static final String ENV_INSTANCE_ID = "SP_INSTANCE_ID";
  public static final String ENV_ROCKSDB_MEMORY_MB = "SP_ROCKSDB_MEMORY_MB";
  static final int MAX_STANDBY_REPLICAS = 3;

  /** Fits the processor's and billing's state at the target load with room to spare (README). */
  public static final int DEFAULT_ROCKSDB_MEMORY_MB = 128;

  public StreamsTuning {
    if (rocksDbMemoryMb < 1) {
      throw new IllegalArgumentException(
          ENV_ROCKSDB_MEMORY_MB + " must be at least 1, got " + rocksDbMemoryMb);
    }
    if (standbyReplicas < 0 || standbyReplicas > MAX_STANDBY_REPLICAS) {
      throw new IllegalArgumentException(
          ENV_STANDBY_REPLICAS
              + " must be between 0 and "
              + MAX_STANDBY_REPLICAS
              + ", got "
              + standbyReplicas);
    }
  }

  /**
   * No standby replicas (Kafka Streams' default), dynamic membership, {@value
   * #DEFAULT_ROCKSDB_MEMORY_MB} MiB for RocksDB.
   */
  public static StreamsTuning defaults() {
    return new StreamsTuning(0, null, DEFAULT_ROCKSDB_MEMORY_MB);
  }

  public static StreamsTuning fromEnvironment(Env env) {
    return new StreamsTuning(
        env.integer(ENV_STANDBY_REPLICAS, 0),
        env.optional(ENV_INSTANCE_ID),
        env.integer(ENV_ROCKSDB_MEMORY_MB, DEFAULT_ROCKSDB_MEMORY_MB));
  }

  /** These settings with {@code instanceId} as the instance's id (none when null or blank). */
  public StreamsTuning withInstanceId(String instanceId) {
    return new StreamsTuning(standbyReplicas, instanceId, rocksDbMemoryMb);
  }

  /** These settings with {@code rocksDbMemoryMb} MiB for the JVM's RocksDB stores. */
  public StreamsTuning withRocksDbMemoryMb(int rocksDbMemoryMb) {
    return new StreamsTuning(standbyReplicas, instanceId, rocksDbMemoryMb);
  }

  /** A copy of {@code streamsProperties} with these settings. */
  public Properties applyTo(Properties streamsProperties) {
    Properties tuned = new Properties();
    tuned.putAll(streamsProperties);
    tuned.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
    tuned.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
    tuned.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, rocksDbMemoryMb * 1024L * 1024L);
    if (instanceId != null && !instanceId.isBlank()) {
      tuned.put(
          StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
          tuned.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-" + instanceId);
    }
    return tuned;
  }
}
