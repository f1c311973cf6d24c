package dev.signet.processor.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.tenant.ApiKeys;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class TaskKeyTableTest {

  private static final ApiKeys AT_START = ApiKeys.parse("{\"old\":{\"tenant\":\"a\"}}");
  private static final ApiKeys ANNOUNCED = ApiKeys.parse("{\"new\":{\"tenant\":\"b\"}}");

  private final KeyValueStore<String, byte[]> store = store();

  private static KeyValueStore<String, byte[]> store() {
    KeyValueStore<String, byte[]> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(TaskKeyTable.STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
    return store;
  }

  @Test
  void shouldJudgeByTheStartTableBeforeAnyAnnouncement() {
    assertThat(new TaskKeyTable(store, AT_START).current()).isSameAs(AT_START);
  }

  @Test
  void shouldKeepTheAnnouncedTableForTheTaskThatRestoresTheStore() {
    TaskKeyTable beforeCrash = new TaskKeyTable(store, AT_START);
    beforeCrash.replace(ANNOUNCED);
    assertThat(beforeCrash.current().authenticate("new")).isPresent();

    // A restarted task over the restored store, with an instance whose file says otherwise.
    TaskKeyTable restored = new TaskKeyTable(store, AT_START);

    assertThat(restored.current().authenticate("new")).isPresent();
    assertThat(restored.current().authenticate("old")).isEmpty();
  }
}
