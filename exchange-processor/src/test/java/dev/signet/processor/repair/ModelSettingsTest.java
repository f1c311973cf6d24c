package dev.signet.processor.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelSettingsTest {

  @Test
  void shouldTakeTheDefaultsAndBeUnavailableWithoutAKey() {
    ModelSettings settings = ModelSettings.fromEnvironment(Map.of());

    assertThat(settings)
        .isEqualTo(
            new ModelSettings(
                "https://api.openai.com/v1",
                "gpt-4o-mini",
                null,
                Duration.ofSeconds(30),
                2,
                16,
                1024));
    assertThat(settings.available()).isFalse();
  }

  @Test
  void shouldReadEveryName() {
    ModelSettings settings =
        ModelSettings.fromEnvironment(
            Map.of(
                "SP_OPENAI_BASE_URL", "http://127.0.0.1:8089/compat/v1",
                "SP_OPENAI_MODEL", "gpt-test",
                "SP_OPENAI_API_KEY", "sk-abc",
                "SP_OPENAI_TIMEOUT", "PT5S",
                "SP_OPENAI_MAX_RETRIES", "0",
                "SP_OPENAI_CONCURRENCY", "4",
                "SP_OPENAI_MAX_TOKENS", "300"));

    assertThat(settings)
        .isEqualTo(
            new ModelSettings(
                "http://127.0.0.1:8089/compat/v1",
                "gpt-test",
                "sk-abc",
                Duration.ofSeconds(5),
                0,
                4,
                300));
    assertThat(settings.available()).isTrue();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"PT1M, PT1M", "pt0.5s, PT0.5S", "30, PT30S", "2.5, PT2.5S", "' 7 ', PT7S"})
  void shouldReadTheTimeoutAsIsoOrSeconds(String given, Duration expected) {
    assertThat(ModelSettings.fromEnvironment(Map.of("SP_OPENAI_TIMEOUT", given)).timeout())
        .isEqualTo(expected);
  }

  @Test
  void shouldTreatABlankKeyAsNoKey() {
    assertThat(ModelSettings.fromEnvironment(Map.of("SP_OPENAI_API_KEY", "  ")).available())
        .isFalse();
  }

  @Test
  void shouldNeverShowTheKey() {
    ModelSettings settings =
        ModelSettings.fromEnvironment(Map.of("SP_OPENAI_API_KEY", "sk-very-secret-123"));

    assertThat(settings.toString()).doesNotContain("sk-very-secret-123").contains("apiKey=(set)");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "SP_OPENAI_TIMEOUT, soon, neither an ISO-8601 duration nor seconds",
    "SP_OPENAI_TIMEOUT, PT, neither an ISO-8601 duration nor seconds",
    "SP_OPENAI_TIMEOUT, 0, must be more than 0",
    "SP_OPENAI_TIMEOUT, -1, must be more than 0",
    "SP_OPENAI_TIMEOUT, 30000, at most PT10M",
    "SP_OPENAI_MAX_RETRIES, two, must be a whole number",
    "SP_OPENAI_MAX_RETRIES, -1, between 0 and 10",
    "SP_OPENAI_MAX_RETRIES, 11, between 0 and 10",
    "SP_OPENAI_CONCURRENCY, 0, between 1 and 1024",
    "SP_OPENAI_CONCURRENCY, 1.5, must be a whole number",
    "SP_OPENAI_MAX_TOKENS, 0, between 1 and",
    "SP_OPENAI_MAX_TOKENS, 99999999999, must be a whole number",
    "SP_OPENAI_BASE_URL, ftp://models.example/v1, absolute http(s) URL",
    "SP_OPENAI_BASE_URL, /v1, absolute http(s) URL",
    "SP_OPENAI_BASE_URL, http://bad host/v1, not a URL",
  })
  void shouldRefuseABadValueNamingIt(String name, String value, String message) {
    assertThatThrownBy(() -> ModelSettings.fromEnvironment(Map.of(name, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(name)
        .hasMessageContaining(message);
  }
}
