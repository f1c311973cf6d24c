package dev.signet.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.crypto.Base64Url;
import dev.signet.core.crypto.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorEnvironmentTest {

  private static final String SEED = Base64Url.encode(SigningKey.generate("k").seed());

  @TempDir Path dir;

  @Test
  void shouldGiveEveryStreamsClientTheKafkaSecuritySettingsBesideTheGuarantee() {
    ProcessorConfig config =
        ProcessorEnvironment.fromEnvironment(
            Map.of(
                "SP_PRIVATE_KEY_B64", SEED,
                "SP_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SP_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                "SP_KAFKA_SASL_USERNAME", "signet-processor",
                "SP_KAFKA_SASL_PASSWORD", "hunter2"));

    assertThat(config.streamsProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
        .containsEntry("processing.guarantee", "exactly_once_v2");
    assertThat(config.kafkaClient().toString()).doesNotContain("hunter2");
  }

  @Test
  void shouldRefuseToStartWithASettingThatWouldWeakenExactlyOnce() throws Exception {
    Path file = dir.resolve("kafka.properties");
    Files.writeString(file, "processing.guarantee=at_least_once\n");

    assertThatThrownBy(
            () ->
                ProcessorEnvironment.fromEnvironment(
                    Map.of("SP_PRIVATE_KEY_B64", SEED, "SP_KAFKA_PROPERTIES", file.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("processing.guarantee");
  }
}
