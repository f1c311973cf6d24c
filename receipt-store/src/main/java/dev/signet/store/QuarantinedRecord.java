package dev.signet.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.signet.core.json.Json;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record of the receipt topic the store refused, as it goes into {@code receipt_quarantine}:
 * where it was, what it claims to be (trace id and hop, when its value is readable JSON; never
 * trusted), why it was refused, and its value exactly as consumed.
 */
record QuarantinedRecord(
    String topic,
    int partition,
    long offset,
    String key,
    String traceId,
    Integer hop,
    QuarantineReason reason,
    String detail,
    byte[] rawValue) {

  // Key and claimed trace id come from whoever wrote the record: keep them to a readable size.
  private static final int MAX_ID_CHARS = 512;
  private static final int MAX_DETAIL_CHARS = 4096;

  QuarantinedRecord {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  static QuarantinedRecord of(
      ConsumerRecord<String, byte[]> record, ReceiptReader.Rejected rejected) {
    JsonNode claimed = claimed(record.value());
    JsonNode traceId = claimed.path("trace_id");
    JsonNode hop = claimed.path("hop");
    return new QuarantinedRecord(
        record.topic(),
        record.partition(),
        record.offset(),
        text(record.key(), MAX_ID_CHARS),
        traceId.isTextual() ? text(traceId.textValue(), MAX_ID_CHARS) : null,
        hop.isInt() ? hop.intValue() : null,
        rejected.reason(),
        text(rejected.detail(), MAX_DETAIL_CHARS),
        record.value());
  }

  private static JsonNode claimed(byte[] value) {
    if (value == null) {
      return MissingNode.getInstance();
    }
    try {
      return Json.parse(value);
    } catch (RuntimeException e) {
      return MissingNode.getInstance();
    }
  }

  /** PostgreSQL text cannot hold NUL; the raw bytes keep the original anyway. */
  private static String text(String value, int maxChars) {
    if (value == null) {
      return null;
    }
    String clean = value.replace('\u0000', '\uFFFD');
    return clean.length() <= maxChars ? clean : clean.substring(0, maxChars) + "…";
  }
}
