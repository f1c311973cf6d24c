package dev.signet.billing.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StripeConfigTest {

  @Test
  void shouldTurnPushingOffWithoutAnApiKey() {
    assertThat(StripeConfig.fromEnvironment(Env.of(Map.of()))).isEmpty();
  }

  @Test
  void shouldReadTheKeyAndTheBaseOverride() {
    StripeConfig config =
        StripeConfig.fromEnvironment(
                Env.of(
                    Map.of(
                        "SP_STRIPE_API_KEY", "sk_test_123",
                        "SP_STRIPE_API_BASE", "http://127.0.0.1:12111/")))
            .orElseThrow();

    assertThat(config.apiKey()).isEqualTo("sk_test_123");
    assertThat(config.apiBase()).isEqualTo("http://127.0.0.1:12111");
    assertThat(config.toString()).doesNotContain("sk_test_123");
  }

  @Test
  void shouldDefaultToStripesApi() {
    assertThat(
            StripeConfig.fromEnvironment(Env.of(Map.of("SP_STRIPE_API_KEY", "sk_live_x")))
                .orElseThrow()
                .apiBase())
        .isEqualTo("https://api.stripe.com");
  }

  @Test
  void shouldNameTheVariableOfABadBase() {
    assertThatThrownBy(
            () ->
                StripeConfig.fromEnvironment(
                    Env.of(Map.of("SP_STRIPE_API_KEY", "sk", "SP_STRIPE_API_BASE", "stripe"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_STRIPE_API_BASE");
  }

  @Test
  void shouldDoubleTheBackoffUpToTheCap() {
    StripeConfig config =
        StripeConfig.defaults("sk", "https://api.stripe.com")
            .withRetries(10, Duration.ofMillis(100), Duration.ofMillis(500));

    assertThat(config.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(config.backoff(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(config.backoff(4)).isEqualTo(Duration.ofMillis(500));
  }
}
