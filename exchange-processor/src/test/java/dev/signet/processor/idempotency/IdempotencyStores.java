package dev.signet.processor.idempotency;

import dev.signet.core.json.Json;
import dev.signet.core.json.RawJson;
import dev.signet.core.message.ExchangeResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Real RocksDB stores, as the topology declares them (minus the changelog), opened on a mock
 * context in a directory of the caller's choosing: the tests check RocksDB's own key order.
 */
final class IdempotencyStores implements AutoCloseable {

  final KeyValueStore<String, IdempotencyEntry> entries;
  final KeyValueStore<Bytes, byte[]> index;

  IdempotencyStores(Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "idempotency-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    MockProcessorContext<Object, Object> context =
        new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
    entries =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore("idempotency-keys"),
                Serdes.String(),
                IdempotencyEntry.SERDE)
            .withLoggingDisabled()
            .build();
    index =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore("idempotency-expiry-index"),
                Serdes.Bytes(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    entries.init(context.getStateStoreContext(), entries);
    index.init(context.getStateStoreContext(), index);
  }

  static IdempotencyEntry entry(long storedAtMs) {
    return new IdempotencyEntry(
        "sha256:00",
        storedAtMs,
        new ExchangeResult.Accepted("t", false, RawJson.of(Json.MAPPER.createObjectNode())));
  }

  List<String> entryKeys() {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, IdempotencyEntry> all = entries.all()) {
      all.forEachRemaining(kv -> keys.add(kv.key));
    }
    return keys;
  }

  /** Time index rows in store order, as "storedAt/key"; markers left out. */
  List<String> indexRows() {
    List<String> rows = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> all = index.all()) {
      while (all.hasNext()) {
        KeyValue<Bytes, byte[]> row = all.next();
        if (row.key.get()[0] != -1) {
          rows.add(IdempotencyStore.storedAt(row.key) + "/" + IdempotencyStore.entryKey(row.key));
        }
      }
    }
    return rows;
  }

  @Override
  public void close() {
    entries.close();
    index.close();
  }
}
