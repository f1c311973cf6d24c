package dev.signet.processor;

import static org.awaitility.Awaitility.await;

import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.tenant.ApiKeysConfig;
import dev.signet.core.topic.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Shared pieces of the processor's ITs: its configuration, and reading topics as read_committed.
 */
final class ProcessorITs {

  private ProcessorITs() {}

  /** The processor for tenant {@code demo} (key {@code demo_key}), committing every 50 ms. */
  static ProcessorConfig processorConfig(
      String bootstrapServers,
      String applicationId,
      Path stateDir,
      int streamThreads,
      SigningKey key) {
    return new ProcessorConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        Duration.ofMillis(50),
        streamThreads,
        (short) 1,
        ApiKeysConfig.fixed(ApiKeys.parse("{\"demo_key\":{\"tenant\":\"demo\"}}")),
        key,
        ExchangeTopologyTest.SECRET,
        Admission.Limits.defaults(),
        Duration.ofHours(24),
        null);
  }

  /** Waits until at least {@code expected} committed values are there; returns all it read. */
  static <V> List<V> readAll(String bootstrapServers, Topic<String, V> topic, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<V> values = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(
            props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
                return values.size() >= expected;
              });
    }
    return values;
  }
}
