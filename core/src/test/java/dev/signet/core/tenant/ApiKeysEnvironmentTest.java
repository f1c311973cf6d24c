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

  @Test
  void shouldAcceptEveryFormOfAllowlistEntry() {
    String keys =
        "{\"k1\": {\"tenant\": \"acme\", \"allowlist\": [\"api.example.com\","
            + " \"*.partners.example.com\", \"203.0.113.7\", \"2001:db8::1\"]}}";

    assertThat(ApiKeys.parse(keys).authenticate("k1").orElseThrow().allowlist()).hasSize(4);
  }

  @Test
  void shouldRefuseAnAllowlistEntryThatWouldAllowNothingNamingTheTenantNotTheKey() {
    for (String entry : new String[] {"https://api.example.com", "*.com", "api.*.com", "a b"}) {
      String keys =
          "{\"secret_key_1\": {\"tenant\": \"acme\", \"allowlist\": [\"ok.example.com\", \""
              + entry
              + "\"]}}";

      assertThatThrownBy(() -> ApiKeys.parse(keys))
          .as(entry)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tenant 'acme': allowlist entry '" + entry + "'")
          .message()
          .doesNotContain("secret_key_1");
    }
  }
}
