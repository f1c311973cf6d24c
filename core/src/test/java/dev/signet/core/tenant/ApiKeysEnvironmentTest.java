package dev.signet.core.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.config.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysEnvironmentTest {

  private static final String KEYS = "{\"k1\": {\"tenant\": \"acme\"}}";

  @TempDir Path dir;

  @Test
  void shouldReadTheKeysFromTheVariable() {
    ApiKeys keys = ApiKeys.fromEnvironment(Env.of(Map.of("SP_API_KEYS", KEYS)));

    assertThat(keys.authenticate("k1")).map(Tenant::tenant).contains("acme");
  }

  @Test
  void shouldReadTheKeysFromTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("keys.json"), KEYS);

    ApiKeys keys = ApiKeys.fromEnvironment(Env.of(Map.of("SP_API_KEYS_FILE", file.toString())));

    assertThat(keys.authenticate("k1")).isPresent();
  }

  @Test
  void shouldRefuseBothTheVariableAndTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("keys.json"), KEYS);
    Env env = Env.of(Map.of("SP_API_KEYS", KEYS, "SP_API_KEYS_FILE", file.toString()));

    assertThatThrownBy(() -> ApiKeys.fromEnvironment(env)).hasMessageContaining("not both");
  }

  @Test
  void shouldRefuseAnEmptyFileRatherThanStartWithNoKeys() throws IOException {
    Path file = Files.writeString(dir.resolve("keys.json"), " \n");
    Env env = Env.of(Map.of("SP_API_KEYS_FILE", file.toString()));

    assertThatThrownBy(() -> ApiKeys.fromEnvironment(env))
        .hasMessageContaining("is empty")
        .hasMessageContaining(file.toString());
  }
}
