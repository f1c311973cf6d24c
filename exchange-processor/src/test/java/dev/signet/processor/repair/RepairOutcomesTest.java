package dev.signet.processor.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.json.Json;
import dev.signet.core.message.RepairOutcome;
import dev.signet.core.message.RepairRequest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RepairOutcomesTest {

  private static final RepairRequest REQUEST =
      new RepairRequest(
          "rep-1",
          "trace-1",
          "demo",
          "invoice",
          "Invoice",
          Json.parse("{}"),
          "{'a':1,}",
          "strict parse failed",
          100,
          "2026-01-01T00:00:00Z");
  private static final Instant AT = Instant.parse("2026-01-01T00:00:01Z");

  @Test
  void shouldRecordAReplyWithItsTokens() {
    RepairOutcome outcome =
        RepairOutcomes.of(
            REQUEST,
            new ModelReply.Replied("{\"a\":1}", 77, "gpt-4o-mini", 2),
            Duration.ofMillis(250),
            AT);

    assertThat(outcome)
        .isEqualTo(
            new RepairOutcome(
                "rep-1",
                "trace-1",
                "demo",
                RepairOutcome.Status.REPLIED,
                "{\"a\":1}",
                77,
                "gpt-4o-mini",
                2,
                null,
                null,
                250,
                "2026-01-01T00:00:01Z"));
  }

  @Test
  void shouldRecordAFailureWithoutTokens() {
    RepairOutcome outcome =
        RepairOutcomes.of(
            REQUEST, new ModelReply.Failed("MODEL_TIMEOUT", "30 s", 3), Duration.ofSeconds(90), AT);

    assertThat(outcome.status()).isEqualTo(RepairOutcome.Status.FAILED);
    assertThat(outcome.fuTokens()).isZero();
    assertThat(outcome.errorCode()).isEqualTo("MODEL_TIMEOUT");
    assertThat(outcome.error()).isEqualTo("30 s");
    assertThat(outcome.attempts()).isEqualTo(3);
    assertThat(outcome.durationMs()).isEqualTo(90_000);
  }

  @Test
  void shouldRecordAReplyWithoutContentAsAModelError() {
    RepairOutcome outcome =
        RepairOutcomes.of(
            REQUEST, new ModelReply.Replied(null, 5, "m", 1), Duration.ofMillis(1), AT);

    assertThat(outcome.status()).isEqualTo(RepairOutcome.Status.FAILED);
    assertThat(outcome.errorCode()).isEqualTo("MODEL_ERROR");
    assertThat(outcome.fuTokens()).isZero();
  }
}
