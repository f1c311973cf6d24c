package dev.signet.processor.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.message.ExchangeResult;
import dev.signet.core.topic.JsonSerde;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Entries live in a state store across releases: what an earlier release stored must still read.
 */
class IdempotencyEntryTest {

  private static IdempotencyEntry read(String stored) {
    return JsonSerde.of(IdempotencyEntry.class)
        .deserializer()
        .deserialize("changelog", stored.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldReadAnAcceptedEntryStoredBeforeResultsWereTyped() {
    IdempotencyEntry entry =
        read(
            "{\"request_hash\":\"sha256:01\",\"stored_at_ms\":5,\"result\":{\"status\":200,\"trace_id\":\"t\","
                + "\"idempotency_hit\":false,\"body\":{\"trace_id\":\"t\",\"receipt\":{\"hop\":1}}}}");

    assertThat(entry.result())
        .isInstanceOfSatisfying(
            ExchangeResult.Accepted.class,
            accepted -> {
              assertThat(accepted.traceId()).isEqualTo("t");
              assertThat(accepted.body().tree().at("/receipt/hop").asInt()).isEqualTo(1);
            });
  }

  @Test
  void shouldReadARejectedEntryStoredBeforeResultsWereTyped() {
    IdempotencyEntry entry =
        read(
            "{\"request_hash\":\"sha256:01\",\"stored_at_ms\":5,\"result\":{\"status\":413,\"trace_id\":\"t\","
                + "\"code\":\"PAYLOAD_TOO_LARGE\",\"idempotency_hit\":false,\"body\":{\"code\":\"PAYLOAD_TOO_LARGE\"}}}");

    assertThat(entry.result())
        .isInstanceOfSatisfying(
            ExchangeResult.Rejected.class,
            rejected -> {
              assertThat(rejected.status()).isEqualTo(413);
              assertThat(rejected.code()).isEqualTo("PAYLOAD_TOO_LARGE");
            });
  }
}
