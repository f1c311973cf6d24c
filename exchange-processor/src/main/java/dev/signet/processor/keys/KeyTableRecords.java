package dev.signet.processor.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.RecordMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.json.Json;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.tenant.Tenant;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The API key table as a control record on the requests log: {@code {"keys": [{"key_sha256",
 * "tenant": {…}}]}} in the file's order, only digests of the keys, with the processor's MAC under
 * the server secret. Each task judges the requests after such a record on its partition by its
 * table (see {@link TaskKeyTable}), so a replay after a crash judges every request by the table it
 * was first judged by, and the log records which table applied where.
 */
public final class KeyTableRecords {

  /** The {@link SignetHeaders#CONTROL} value of a key table. */
  public static final String API_KEYS = "api-keys/v1";

  private final RecordMac mac;

  public KeyTableRecords(ServerSecret secret) {
    this.mac = new RecordMac(secret, "control/api-keys/v1", SignetHeaders.RECORD_MAC);
  }

  /** Whether the record is a control record (authentic or not) rather than a request. */
  public static boolean isControl(Headers headers) {
    return headers.lastHeader(SignetHeaders.CONTROL) != null;
  }

  /** The record announcing {@code keys} on {@code partition} of {@code topic}. */
  public ProducerRecord<String, byte[]> announcement(String topic, int partition, ApiKeys keys) {
    byte[] value = encode(keys);
    Headers headers = new RecordHeaders();
    headers.add(SignetHeaders.CONTROL, API_KEYS.getBytes(StandardCharsets.US_ASCII));
    mac.stamp(headers, value);
    return new ProducerRecord<>(topic, partition, (String) null, value, headers);
  }

  /**
   * The table in an authentic key-table record; empty for anything else (another control kind, a
   * missing or wrong MAC, a value that does not parse).
   */
  public Optional<ApiKeys> read(Headers headers, byte[] value) {
    Header kind = headers.lastHeader(SignetHeaders.CONTROL);
    if (kind == null
        || kind.value() == null
        || !API_KEYS.equals(new String(kind.value(), StandardCharsets.US_ASCII))
        || !mac.verify(headers, value)) {
      return Optional.empty();
    }
    try {
      return Optional.of(decode(value));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static byte[] encode(ApiKeys keys) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode entries = root.putArray("keys");
    keys.byKeyDigest()
        .forEach(
            (digest, tenant) -> {
              ObjectNode entry = entries.addObject();
              entry.put("key_sha256", digest);
              entry.set("tenant", Json.tree(tenant));
            });
    return Json.toBytes(root);
  }

  /** The table in a record value this class wrote; throws on anything else. */
  static ApiKeys decode(byte[] value) {
    JsonNode keys = Json.parse(value).path("keys");
    if (!keys.isArray()) {
      throw new IllegalArgumentException("a key table record needs a keys array");
    }
    Map<String, Tenant> byDigest = new LinkedHashMap<>();
    for (JsonNode entry : keys) {
      byDigest.put(
          entry.path("key_sha256").asText(null), Json.convert(entry.path("tenant"), Tenant.class));
    }
    return ApiKeys.ofDigests(byDigest);
  }
}
