package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalModeKafkaSecurityTest {

  @TempDir Path dataDir;

  @Test
  void shouldRefuseSecuritySettingsForTheInProcessBrokerRatherThanIgnoreThem() {
    Map<String, String> env =
        Map.of("SP_DATA_DIR", dataDir.toString(), "SP_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");

    assertThatThrownBy(() -> LocalMode.start(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_KAFKA_BOOTSTRAP");
  }
}
