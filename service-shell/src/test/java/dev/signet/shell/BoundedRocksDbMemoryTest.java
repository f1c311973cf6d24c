package dev.signet.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbMemoryTest {

  private static final long MIB = 1024L * 1024L;

  @TempDir Path tmp;

  /** Options as Kafka Streams hands them to a config setter: its own accessible table config. */
  private static Options streamsOptions() {
    Options options = new Options();
    options.setTableFormatConfig(new BlockBasedTableConfigWithAccessibleCache());
    options.setCreateIfMissing(true);
    return options;
  }

  private static Map<String, Object> configs(long bytes) {
    return Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, bytes);
  }

  @Test
  void shouldPutTheStoreOnTheSharedCacheAndWriteBufferManager() {
    try (Options options = streamsOptions()) {
      new BoundedRocksDbMemory().setConfig("store", options, configs(24 * MIB));

      BoundedRocksDbMemory.SharedMemory shared = BoundedRocksDbMemory.shared(24 * MIB);
      BlockBasedTableConfigWithAccessibleCache table =
          (BlockBasedTableConfigWithAccessibleCache) options.tableFormatConfig();
      assertThat(table.blockCache()).isSameAs(shared.cache());
      assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
      assertThat(table.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
      assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
      assertThat(options.writeBufferManager()).isSameAs(shared.writeBuffers());
      // Half of the budget for memtables, a quarter of that per memtable.
      assertThat(shared.memtableBytes()).isEqualTo(12 * MIB);
      assertThat(options.writeBufferSize()).isEqualTo(3 * MIB);
    }
  }

  @Test
  void shouldKeepStreamsDefaultMemtableSizeUnderALargeBudget() {
    try (Options options = streamsOptions()) {
      new BoundedRocksDbMemory().setConfig("store", options, configs(1024 * MIB));

      assertThat(options.writeBufferSize()).isEqualTo(16 * MIB);
    }
  }

  @Test
  void shouldShareOneCachePerSizeAcrossStoresAndSetterInstances() {
    try (Options first = streamsOptions();
        Options second = streamsOptions();
        Options otherSize = streamsOptions()) {
      new BoundedRocksDbMemory().setConfig("processor-store", first, configs(40 * MIB));
      new BoundedRocksDbMemory().setConfig("billing-store", second, configs(40 * MIB));
      new BoundedRocksDbMemory().setConfig("other", otherSize, configs(41 * MIB));

      assertThat(cacheOf(second)).isSameAs(cacheOf(first));
      assertThat(second.writeBufferManager()).isSameAs(first.writeBufferManager());
      assertThat(cacheOf(otherSize)).isNotSameAs(cacheOf(first));
    }
  }

  @Test
  void shouldLeaveTheSharedCacheOpenWhenAStoreCloses() throws Exception {
    BoundedRocksDbMemory closing = new BoundedRocksDbMemory();
    try (Options closed = streamsOptions()) {
      closing.setConfig("closed", closed, configs(8 * MIB));
      closing.close("closed", closed);
    }

    BoundedRocksDbMemory.SharedMemory shared = BoundedRocksDbMemory.shared(8 * MIB);
    assertThat(shared.cache().isOwningHandle()).isTrue();
    assertThat(shared.writeBuffers().isOwningHandle()).isTrue();
    // Another store still opens and works over the same cache and write buffer manager.
    try (Options options = streamsOptions()) {
      new BoundedRocksDbMemory().setConfig("open", options, configs(8 * MIB));
      try (RocksDB db = RocksDB.open(options, tmp.resolve("open").toString())) {
        db.put(bytes("key"), bytes("value"));
        assertThat(db.get(bytes("key"))).isEqualTo(bytes("value"));
      }
    }
    assertThat(shared.cache().getUsage()).isPositive();
  }

  @Test
  void shouldRefuseAMissingOrNonPositiveBudget() {
    try (Options options = streamsOptions()) {
      BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
      assertThatThrownBy(() -> setter.setConfig("store", options, Map.of()))
          .hasMessageContaining(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG);
      assertThatThrownBy(() -> setter.setConfig("store", options, configs(0)))
          .hasMessageContaining("must be positive");
    }
  }

  @Test
  void shouldReadTheBudgetWrittenAsText() {
    assertThat(
            BoundedRocksDbMemory.totalBytes(
                Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, "1048576")))
        .isEqualTo(MIB);
  }

  private static Object cacheOf(Options options) {
    return ((BlockBasedTableConfigWithAccessibleCache) options.tableFormatConfig()).blockCache();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
