package dev.signet.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.config.Env;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsTuningTest {

  @Test
  void shouldKeepNoStandbyReplicasByDefault() {
    assertThat(StreamsTuning.fromEnvironment(Env.of(Map.of())).standbyReplicas()).isZero();
  }

  @Test
  void shouldSetStandbyReplicasOnACopyOfTheStreamsProperties() {
    Properties original = new Properties();
    original.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");

    Properties tuned =
        StreamsTuning.fromEnvironment(Env.of(Map.of("SP_STANDBY_REPLICAS", "1"))).applyTo(original);

    assertThat(tuned)
        .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "app");
    assertThat(original).doesNotContainKey(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG);
  }

  @Test
  void shouldBoundRocksDbMemoryWithTheSharedSetter() {
    Properties original = new Properties();
    original.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");

    assertThat(StreamsTuning.defaults().applyTo(original))
        .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class)
        .containsEntry(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, 128L * 1024 * 1024);
    assertThat(
            StreamsTuning.fromEnvironment(Env.of(Map.of("SP_ROCKSDB_MEMORY_MB", "48")))
                .applyTo(original))
        .containsEntry(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, 48L * 1024 * 1024);
    assertThat(StreamsTuning.defaults().withRocksDbMemoryMb(32).applyTo(original))
        .containsEntry(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, 32L * 1024 * 1024);
    assertThatThrownBy(
            () -> StreamsTuning.fromEnvironment(Env.of(Map.of("SP_ROCKSDB_MEMORY_MB", "0"))))
        .hasMessageContaining("SP_ROCKSDB_MEMORY_MB");
  }

  @Test
  void shouldRefuseANegativeOrExcessiveCount() {
    assertThatThrownBy(
            () -> StreamsTuning.fromEnvironment(Env.of(Map.of("SP_STANDBY_REPLICAS", "-1"))))
        .hasMessageContaining("SP_STANDBY_REPLICAS");
    assertThatThrownBy(() -> new StreamsTuning(4, null, 1)).hasMessageContaining("between 0 and 3");
  }

  private static final String STATIC_MEMBER =
      StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);

  @Test
  void shouldMakeAnInstanceWithAnIdAStaticMemberOfItsApplicationsGroup() {
    Properties original = new Properties();
    original.put(StreamsConfig.APPLICATION_ID_CONFIG, "billing");

    assertThat(
            StreamsTuning.fromEnvironment(Env.of(Map.of("SP_INSTANCE_ID", "billing-0")))
                .applyTo(original))
        .containsEntry(STATIC_MEMBER, "billing-billing-0");
    assertThat(StreamsTuning.defaults().applyTo(original)).doesNotContainKey(STATIC_MEMBER);
  }

  @Test
  void shouldTakeTheInstanceIdAServiceGivesItInsteadOfTheEnvironments() {
    Properties original = new Properties();
    original.put(StreamsConfig.APPLICATION_ID_CONFIG, "processor");
    StreamsTuning fromEnvironment =
        StreamsTuning.fromEnvironment(
            Env.of(Map.of("SP_INSTANCE_ID", "env-id", "SP_STANDBY_REPLICAS", "1")));

    assertThat(fromEnvironment.withInstanceId("local").applyTo(original))
        .containsEntry(STATIC_MEMBER, "processor-local")
        .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
    assertThat(fromEnvironment.withInstanceId(null).applyTo(original))
        .doesNotContainKey(STATIC_MEMBER);
  }
}
