package dev.signet.billing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.ReceiptTimestamps;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event time of a receipt: its signed {@code ts}. A receipt signed at 10:59:59.990 and committed at
 * 11:00:00.050 belongs to the 10:00 hour, as the receipt store and the customer see it; receipts
 * re-published later (a replay, a restore) still bill the hour they happened in.
 *
 * <p>Falls back to the record's own timestamp (its produce time) when {@code ts} is missing,
 * unreadable, or later than the produce time by more than {@link #MAX_AHEAD_OF_PRODUCE_TIME}: a
 * receipt is signed before it is produced, and one far-future {@code ts} would advance stream time
 * and close every open hour of its partition, dropping the usage still on its way. Never throws,
 * since an exception here would stop the partition.
 *
 * <p>Runs on the raw value, before the record is authenticated: a forged record's {@code ts} only
 * moves the source task's stream time, which closes no window, since forged records are dropped
 * before the repartition and the hourly windows live after it.
 */
final class ReceiptTimestampExtractor implements TimestampExtractor {

  /** Clock skew tolerated between the signer and the producer. */
  static final Duration MAX_AHEAD_OF_PRODUCE_TIME = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(ReceiptTimestampExtractor.class);

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    long produced = record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    if (!(record.value() instanceof byte[] value)) {
      // Not billable anyway (a tombstone); the authentication step drops it with a reason.
      return produced;
    }
    // Streamed, not parsed into a tree: authentication parses each receipt once, after this.
    String ts = topLevelText(value, "ts");
    if (ts == null) {
      return produced;
    }
    long signed;
    try {
      signed = ReceiptTimestamps.parse(ts).toEpochMilli();
    } catch (DateTimeException e) {
      log.warn(
          "receipt {}/{} at {}-{}@{} has an unreadable ts '{}'; using its produce time",
          topLevelText(value, "trace_id"),
          topLevelText(value, "hop"),
          record.topic(),
          record.partition(),
          record.offset(),
          ts);
      return produced;
    }
    if (produced >= 0 && signed > produced + MAX_AHEAD_OF_PRODUCE_TIME.toMillis()) {
      log.warn(
          "receipt {}/{} at {}-{}@{} has ts {} ahead of its produce time {}; using the produce time",
          topLevelText(value, "trace_id"),
          topLevelText(value, "hop"),
          record.topic(),
          record.partition(),
          record.offset(),
          ts,
          Instant.ofEpochMilli(produced));
      return produced;
    }
    return signed;
  }

  /**
   * The text of a top-level scalar field, stopping at it: {@code ""} if the object has no such
   * scalar, null if the value is not a JSON object.
   */
  static String topLevelText(byte[] value, String field) {
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        boolean wanted = field.equals(parser.currentName());
        JsonToken token = parser.nextToken();
        if (token.isStructStart()) {
          parser.skipChildren();
        } else if (wanted) {
          return token == JsonToken.VALUE_NULL ? "" : parser.getValueAsString("");
        }
      }
      return "";
    } catch (IOException e) {
      return null;
    }
  }
}
