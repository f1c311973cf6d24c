package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.config.Env;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignetServerTest {

  @Test
  void shouldStopTheReleaseAtAFailedMigrationBeforeTouchingTopics() {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    Env unreachable =
        Env.of(Map.of("SP_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:1/signet?connectTimeout=1"));

    int exit = SignetServer.release(new String[] {"--partitions", "3"}, unreachable, out);

    assertThat(exit).isEqualTo(1);
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("migrate: failed")
        .doesNotContain("topic");
  }
}
