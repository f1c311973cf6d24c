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
 */
public record StreamsTuning(int standbyReplicas, String instanceId) {

  public static final String ENV_STANDBY_REPLICAS = "SP_STANDBY_REPLICAS";
  public static final String ENV_INSTANCE_ID = "SP_INSTANCE_ID";
  static final int MAX_STANDBY_REPLICAS = 3;

  public StreamsTuning {
    if (standbyReplicas < 0 || standbyReplicas > MAX_STANDBY_REPLICAS) {
      throw new IllegalArgumentException(
          ENV_STANDBY_REPLICAS
              + " must be between 0 and "
              + MAX_STANDBY_REPLICAS
              + ", got "
              + standbyReplicas);
    }
  }

  /** No standby replicas, dynamic membership: Kafka Streams' defaults, and local mode's. */
  public static StreamsTuning defaults() {
    return new StreamsTuning(0, null);
  }

  public static StreamsTuning fromEnvironment(Env env) {
    return new StreamsTuning(env.integer(ENV_STANDBY_REPLICAS, 0), env.optional(ENV_INSTANCE_ID));
  }

  /** These settings with {@code instanceId} as the instance's id (none when null or blank). */
  public StreamsTuning withInstanceId(String instanceId) {
    return new StreamsTuning(standbyReplicas, instanceId);
  }

  /** A copy of {@code streamsProperties} with these settings. */
  public Properties applyTo(Properties streamsProperties) {
    Properties tuned = new Properties();
    tuned.putAll(streamsProperties);
    tuned.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
    if (instanceId != null && !instanceId.isBlank()) {
      tuned.put(
          StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
          tuned.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-" + instanceId);
    }
    return tuned;
  }
}
