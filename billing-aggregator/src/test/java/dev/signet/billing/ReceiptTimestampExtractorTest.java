package dev.signet.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ReceiptTimestampExtractorTest {

  private final ReceiptTimestampExtractor extractor = new ReceiptTimestampExtractor();

  private static ConsumerRecord<Object, Object> record(String value, long produced) {
    ConsumerRecord<Object, Object> record =
        new ConsumerRecord<>(
            "signet.receipts.v1", 0, 0L, "t", value.getBytes(StandardCharsets.UTF_8));
    return new ConsumerRecord<>(
        record.topic(),
        0,
        0L,
        produced,
        record.timestampType(),
        0,
        0,
        "t",
        record.value(),
        record.headers(),
        record.leaderEpoch());
  }

  @Test
  void shouldUseTheSignedTsOfTheReceipt() {
    String receipt =
        "{\"trace_id\":\"t\",\"hop\":1,\"policy\":{\"ts\":\"x\"},\"ts\":\"2025-01-27T12:00:00.123Z\"}";

    assertThat(extractor.extract(record(receipt, 1_737_979_300_000L), -1))
        .isEqualTo(1_737_979_200_123L);
  }

  @Test
  void shouldFallBackToTheProduceTimeForUnreadableOrMissingTs() {
    long produced = 1_737_979_300_000L;

    assertThat(extractor.extract(record("{\"trace_id\":\"t\",\"ts\":\"yesterday\"}", produced), -1))
        .isEqualTo(produced);
    assertThat(extractor.extract(record("{\"trace_id\":\"t\"}", produced), -1)).isEqualTo(produced);
    assertThat(extractor.extract(record("[1,2]", produced), -1)).isEqualTo(produced);
    assertThat(extractor.extract(record("not json", produced), -1)).isEqualTo(produced);
  }

  @Test
  void shouldNotLetATsFarAheadOfItsProduceTimeMoveTime() {
    long produced = 1_737_979_200_000L;
    String future = "{\"ts\":\"2030-01-01T00:00:00.000Z\"}";

    assertThat(extractor.extract(record(future, produced), -1)).isEqualTo(produced);
  }

  @Test
  void shouldReadOnlyTopLevelScalars() {
    byte[] value =
        "{\"a\":{\"ts\":\"inner\"},\"hop\":7,\"ts\":null}".getBytes(StandardCharsets.UTF_8);

    assertThat(ReceiptTimestampExtractor.topLevelText(value, "hop")).isEqualTo("7");
    assertThat(ReceiptTimestampExtractor.topLevelText(value, "ts")).isEmpty();
    assertThat(ReceiptTimestampExtractor.topLevelText(value, "missing")).isEmpty();
  }
}
