package dev.signet.launcher;

import dev.signet.core.topic.Topic;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** What the launcher's end-to-end tests share: local mode's environment, a committed reader. */
final class LocalModeITs {

  private LocalModeITs() {}

  /**
   * Local mode on free loopback ports, one stream thread, its data under {@code dataDir}; the
   * caller adds what its test needs (tenants, partitions, a model).
   */
  static Map<String, String> env(Path dataDir) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("SP_DATA_DIR", dataDir.toString());
    // 0: Tomcat binds a free port itself; a port probed free earlier can be taken by then.
    env.put("PORT", "0");
    env.put("SP_LOCAL_KAFKA_PORT", Integer.toString(PipelineIT.freePort()));
    env.put("SP_LOCAL_KAFKA_CONTROLLER_PORT", Integer.toString(PipelineIT.freePort()));
    env.put("SP_LOCAL_POSTGRES_PORT", Integer.toString(PipelineIT.freePort()));
    env.put("SP_STREAM_THREADS", "1");
    return env;
  }

  /** A read_committed consumer of {@code topic} from its start, in a group of its own. */
  static <V> KafkaConsumer<String, V> consumer(String bootstrap, Topic<String, V> topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "launcher-it-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(
            props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    consumer.subscribe(List.of(topic.name()));
    return consumer;
  }
}
