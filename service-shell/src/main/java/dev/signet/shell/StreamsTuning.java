package dev.signet.shell;

import dev.signet.core.config.Env;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka Streams settings that every Streams service (processor, billing) takes the same way.
 *
 * @param standbyReplicas {@code SP_STANDBY_REPLICAS}: warm copies of each task's state kept on
 *     other instances ({@code num.standby.replicas}), so a failed instance's tasks move without
 *     restoring from the changelog first; default 0, at most {@value #MAX_STANDBY_REPLICAS}. Each
 *     copy costs the disk and changelog reads of the state it mirrors.
 */
public record StreamsTuning(int standbyReplicas) {

  public static final String ENV_STANDBY_REPLICAS = "SP_STANDBY_REPLICAS";
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

  /** No standby replicas: Kafka Streams' default, and local mode's. */
  public static StreamsTuning defaults() {
    return new StreamsTuning(0);
  }

  public static StreamsTuning fromEnvironment(Env env) {
    return new StreamsTuning(env.integer(ENV_STANDBY_REPLICAS, 0));
  }

  /** A copy of {@code streamsProperties} with these settings. */
  public Properties applyTo(Properties streamsProperties) {
    Properties tuned = new Properties();
    tuned.putAll(streamsProperties);
    tuned.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
    return tuned;
  }
}
