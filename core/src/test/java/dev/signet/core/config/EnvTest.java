package dev.signet.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

  @Test
  void shouldTreatBlankAsUnsetAndStripValues() {
    Env env = Env.of(Map.of("SP_A", "  ", "SP_B", " value "));

    assertThat(env.optional("SP_A")).isNull();
    assertThat(env.string("SP_A", "fallback")).isEqualTo("fallback");
    assertThat(env.string("SP_B", "fallback")).isEqualTo("value");
    assertThat(env.optional("SP_MISSING")).isNull();
  }

  @Test
  void shouldKeepAVerbatimValueUnstripped() {
    assertThat(Env.of(Map.of("SP_PASSWORD", " secret ")).verbatim("SP_PASSWORD"))
        .isEqualTo(" secret ");
  }

  @Test
  void shouldParseTypedValues() {
    Env env =
        Env.of(
            Map.of(
                "SP_N", "42", "SP_MS", "250", "SP_H", "3", "SP_FLAG", "FALSE", "SP_DIR", "/data"));

    assertThat(env.integer("SP_N", 1)).isEqualTo(42);
    assertThat(env.integer("SP_MISSING", 7)).isEqualTo(7);
    assertThat(env.duration("SP_MS", ChronoUnit.MILLIS, Duration.ZERO))
        .isEqualTo(Duration.ofMillis(250));
    assertThat(env.duration("SP_H", ChronoUnit.HOURS, Duration.ZERO))
        .isEqualTo(Duration.ofHours(3));
    assertThat(env.bool("SP_FLAG", true)).isFalse();
    assertThat(env.bool("SP_MISSING", true)).isTrue();
    assertThat(env.path("SP_DIR", Path.of("x"))).isEqualTo(Path.of("/data"));
  }

  @Test
  void shouldNameTheVariableAndValueInEveryParseError() {
    Env env = Env.of(Map.of("SP_N", "many", "SP_PORT", "70000", "SP_MS", "-5", "SP_FLAG", "yes"));

    assertThatThrownBy(() -> env.integer("SP_N", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_N")
        .hasMessageContaining("'many'");
    assertThatThrownBy(() -> env.integer("SP_PORT", 1, 1, 65_535))
        .hasMessageContaining("SP_PORT")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> env.duration("SP_MS", ChronoUnit.MILLIS, Duration.ZERO))
        .hasMessageContaining("SP_MS")
        .hasMessageContaining("-5");
    assertThatThrownBy(() -> env.bool("SP_FLAG", true))
        .hasMessageContaining("SP_FLAG")
        .hasMessageContaining("true or false");
  }

  @Test
  void shouldReadADeprecatedNameWhenOnlyItIsSet() {
    Env env = Env.of(Map.of("SP_KAFKA_REPLICATION_FACTOR", "3"));

    assertThat(env.integer("SP_REPLICATION_FACTOR", 1)).isEqualTo(3);
  }

  @Test
  void shouldPreferTheNewNameOverTheDeprecatedOne() {
    Env env = Env.of(Map.of("SP_KAFKA_REPLICATION_FACTOR", "3", "SP_REPLICATION_FACTOR", "2"));

    assertThat(env.integer("SP_REPLICATION_FACTOR", 1)).isEqualTo(2);
  }

  @Test
  void shouldNameTheDeprecatedVariableWhenItsValueIsInvalid() {
    Env env = Env.of(Map.of("SP_KAFKA_REPLICATION_FACTOR", "three"));

    assertThatThrownBy(() -> env.integer("SP_REPLICATION_FACTOR", 1))
        .hasMessageContaining("SP_KAFKA_REPLICATION_FACTOR")
        .hasMessageContaining("three");
  }
}
