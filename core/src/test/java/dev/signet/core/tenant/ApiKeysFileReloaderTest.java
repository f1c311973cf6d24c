package dev.signet.core.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.tenant.ApiKeysFileReloader.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysFileReloaderTest {

  private static final String OLD = "{\"old_key\": {\"tenant\": \"acme\"}}";
  private static final String NEW = "{\"new_key\": {\"tenant\": \"acme\"}}";

  @TempDir Path dir;
  private Path file;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void writeTheFirstVersion() throws IOException {
    file = dir.resolve("api-keys.json");
    Files.writeString(file, OLD);
  }

  private ApiKeysFileReloader reloader() {
    return new ApiKeysFileReloader(file, Duration.ofSeconds(5), meters, "ingress");
  }

  private double reloads(String result) {
    return meters
        .get("signet_api_keys_reload")
        .tag("service", "ingress")
        .tag("result", result)
        .counter()
        .count();
  }

  @Test
  void shouldServeTheKeysOfTheFileAtStart() {
    ApiKeysFileReloader keys = reloader();

    assertThat(keys.current().authenticate("old_key")).map(Tenant::tenant).contains("acme");
    assertThat(meters.get("signet_api_keys").tag("service", "ingress").gauge().value())
        .isEqualTo(1.0);
  }

  @Test
  void shouldAcceptANewKeyAndRefuseARemovedOneAfterTheFileChanges() throws IOException {
    ApiKeysFileReloader keys = reloader();
    Files.writeString(file, NEW);

    assertThat(keys.reload()).isEqualTo(Outcome.RELOADED);
    assertThat(keys.current().authenticate("new_key")).isPresent();
    assertThat(keys.current().authenticate("old_key")).isEmpty();
    assertThat(reloads("reloaded")).isEqualTo(1.0);
  }

  @Test
  void shouldDoNothingWhileTheFileIsUnchanged() throws IOException {
    ApiKeysFileReloader keys = reloader();
    Files.writeString(file, OLD);

    assertThat(keys.reload()).isEqualTo(Outcome.UNCHANGED);
    assertThat(reloads("reloaded")).isZero();
  }

  @Test
  void shouldKeepTheTableInForceWhenTheNewFileDoesNotParse() throws IOException {
    ApiKeysFileReloader keys = reloader();
    Files.writeString(file, "{\"new_key\": {\"tenant\": ");

    assertThat(keys.reload()).isEqualTo(Outcome.FAILED);
    assertThat(keys.current().authenticate("old_key")).isPresent();
    assertThat(keys.current().authenticate("new_key")).isEmpty();
    assertThat(reloads("failed")).isEqualTo(1.0);
  }

  @Test
  void shouldKeepTheTableInForceWhenTheNewFileHasABrokenAllowlistEntry() throws IOException {
    ApiKeysFileReloader keys = reloader();
    Files.writeString(
        file, "{\"new_key\": {\"tenant\": \"acme\", \"allowlist\": [\"*.example.*\"]}}");

    assertThat(keys.reload()).isEqualTo(Outcome.FAILED);
    assertThat(keys.current().authenticate("old_key")).isPresent();
    assertThat(keys.current().authenticate("new_key")).isEmpty();
  }

  @Test
  void shouldCountABrokenVersionOnceAndTakeTheNextGoodOne() throws IOException {
    ApiKeysFileReloader keys = reloader();
    Files.writeString(file, "not json");
    keys.reload();

    assertThat(keys.reload()).isEqualTo(Outcome.FAILED);
    assertThat(reloads("failed")).isEqualTo(1.0);

    Files.writeString(file, NEW);
    assertThat(keys.reload()).isEqualTo(Outcome.RELOADED);
    assertThat(keys.current().authenticate("new_key")).isPresent();
  }

  @Test
  void shouldTakeAnEmptyFileForAnEditInProgressNotForNoKeys() throws IOException {
    ApiKeysFileReloader keys = reloader();
    Files.writeString(file, "");

    assertThat(keys.reload()).isEqualTo(Outcome.FAILED);
    assertThat(keys.current().authenticate("old_key")).isPresent();
  }

  @Test
  void shouldKeepTheTableInForceWhenTheFileDisappears() throws IOException {
    ApiKeysFileReloader keys = reloader();
    Files.delete(file);

    assertThat(keys.reload()).isEqualTo(Outcome.FAILED);
    assertThat(keys.current().authenticate("old_key")).isPresent();
  }

  @Test
  void shouldRefuseToStartOnABrokenFile() throws IOException {
    Files.writeString(file, "[]");

    assertThatThrownBy(this::reloader)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_API_KEYS_FILE")
        .hasMessageContaining(file.toString());
  }
}
