package dev.signet.processor.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import dev.signet.core.json.RawJson;
import dev.signet.core.message.AcceptedBody;
import dev.signet.core.message.ExchangeResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Entries live in a state store across releases: what an earlier release stored must still read.
 */
class IdempotencyEntryTest {

  private static IdempotencyEntry read(String stored) {
    return IdempotencyEntry.SERDE
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

  @Test
  void shouldStoreAnAcceptedResultAsItsReceiptAndRebuildItByteForByte() {
    RawJson receipt =
        RawJson.of(
            ("{\"algo\":\"sha256\",\"canon\":\"{\\\"b\\\":1,\\\"a\\\":\\\"x\\\"}\",\"hop\":1,"
                    + "\"forwarded\":{\"url\":\"https://h.example/in\",\"status_code\":202},"
                    + "\"policy\":{\"engine\":\"HEL\",\"allowed\":true,\"reason\":\"ok\"},"
                    + "\"trace_id\":\"t-9\"}")
                .getBytes(StandardCharsets.UTF_8));
    JsonNode tree = receipt.tree();
    ExchangeResult.Accepted accepted =
        new ExchangeResult.Accepted(
            "t-9",
            false,
            AcceptedBody.of(
                "t-9",
                tree.path("canon").asText(),
                tree.path("policy"),
                tree.path("forwarded"),
                receipt));
    IdempotencyEntry entry = new IdempotencyEntry("sha256:01", 5, accepted, receipt);

    byte[] stored = IdempotencyEntry.SERDE.serializer().serialize("changelog", entry);

    assertThat(new String(stored, StandardCharsets.UTF_8)).doesNotContain("\"normalized\"");
    assertThat(stored.length).isLessThan(Json.toBytes(accepted).length);
    IdempotencyEntry read = read(new String(stored, StandardCharsets.UTF_8));
    assertThat(read.result().body().bytes()).isEqualTo(accepted.body().bytes());
    assertThat(read.result().traceId()).isEqualTo("t-9");
    assertThat(read.receipt()).isEqualTo(receipt);
    assertThat(read.storedAtMs()).isEqualTo(5);
  }

  @Test
  void shouldStoreARejectionWhole() {
    ExchangeResult rejected = ExchangeResult.Rejected.of("t", ErrorCode.PAYLOAD_TOO_LARGE, "big");
    byte[] stored =
        IdempotencyEntry.SERDE
            .serializer()
            .serialize("changelog", new IdempotencyEntry("sha256:02", 7, rejected));

    IdempotencyEntry read = read(new String(stored, StandardCharsets.UTF_8));
    assertThat(read.result()).isEqualTo(rejected);
    assertThat(read.receipt()).isNull();
  }
}
