package dev.signet.processor.keys;

import dev.signet.core.tenant.ApiKeys;
import java.util.Objects;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The API key table one task judges its requests by: the last key-table record read on its
 * partition, kept in a changelogged store that commits with the task's offsets. After a crash the
 * store comes back as of the last commit and the records after it are read again in the same order,
 * so each request is judged by the same table as the first time, whatever the instance's file says
 * now. Before any key-table record on the partition (a new deployment), the table the instance
 * started with applies.
 */
public final class TaskKeyTable {

  /** The store's name in the exchange topology. */
  public static final String STORE = "api-key-table";

  private static final String CURRENT = "current";

  private final KeyValueStore<String, byte[]> store;
  private ApiKeys current;

  public TaskKeyTable(KeyValueStore<String, byte[]> store, ApiKeys atStart) {
    this.store = Objects.requireNonNull(store, "store");
    byte[] saved = store.get(CURRENT);
    this.current =
        saved == null ? Objects.requireNonNull(atStart, "atStart") : KeyTableRecords.decode(saved);
  }

  public ApiKeys current() {
    return current;
  }

  /** Makes {@code table}, read from an authentic record, the one in force from now on. */
  public void replace(ApiKeys table) {
    store.put(CURRENT, KeyTableRecords.encode(table));
    current = table;
  }
}
