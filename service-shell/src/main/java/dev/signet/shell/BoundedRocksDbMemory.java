package dev.signet.shell;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the native memory of every RocksDB store in the JVM (Kafka Streams' documented pattern):
 * one LRU block cache of {@value #MEMORY_BYTES_CONFIG} bytes shared by all stores, which also holds
 * their index and filter blocks, and a {@link WriteBufferManager} that charges the stores'
 * memtables to that same cache and flushes them when they reach half of it. Without it, each store
 * (and each segment of a windowed store) has its own 50 MiB block cache, up to three 16 MiB
 * memtables, and its index and filter blocks outside any cache.
 *
 * <p>Kafka Streams creates one instance per store; the cache and the write buffer manager belong to
 * the JVM (one pair per configured size, so the processor and billing in one local-mode JVM share
 * theirs) and live as long as it does: {@link #close} releases nothing.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

  /** The bytes of native memory all stores in this JVM may use together (a Streams property). */
  public static final String MEMORY_BYTES_CONFIG = "signet.rocksdb.memory.bytes";

  // Index and filter blocks go to the high-priority pool, so data blocks cannot evict them.
  private static final double INDEX_AND_FILTER_SHARE = 0.1;
  private static final long STREAMS_DEFAULT_WRITE_BUFFER = 16L * 1024 * 1024;

  private static final Map<Long, SharedMemory> SHARED = new ConcurrentHashMap<>();

  /** The cache and the memtable budget every store of one configured size shares. */
  record SharedMemory(Cache cache, WriteBufferManager writeBuffers, long memtableBytes) {

    static SharedMemory of(long totalBytes) {
      // Not strict: a pinned or in-use block may overshoot the cache briefly instead of failing
      // the read or write that needs it.
      Cache cache = new LRUCache(totalBytes, -1, false, INDEX_AND_FILTER_SHARE);
      long memtableBytes = totalBytes / 2;
      return new SharedMemory(cache, new WriteBufferManager(memtableBytes, cache), memtableBytes);
    }
  }

  /** The shared memory of {@code totalBytes}, created on first use. Package-private for tests. */
  static SharedMemory shared(long totalBytes) {
    return SHARED.computeIfAbsent(totalBytes, SharedMemory::of);
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    SharedMemory memory = shared(totalBytes(configs));
    // Modify Streams' own table config in place: Streams reads the block cache back from it for
    // its metrics and refuses a replaced instance.
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(memory.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(memory.writeBuffers());
    // A memtable as large as the whole budget would make the manager flush every store at once.
    options.setWriteBufferSize(
        Math.min(STREAMS_DEFAULT_WRITE_BUFFER, Math.max(1, memory.memtableBytes() / 4)));
  }

  /** Releases nothing: the cache and write buffer manager are shared by every store. */
  @Override
  public void close(String storeName, Options options) {}

  static long totalBytes(Map<String, ?> configs) {
    Object value = configs.get(MEMORY_BYTES_CONFIG);
    if (value == null) {
      throw new IllegalStateException(MEMORY_BYTES_CONFIG + " is not set");
    }
    long bytes = value instanceof Number n ? n.longValue() : Long.parseLong(value.toString());
    if (bytes <= 0) {
      throw new IllegalStateException(MEMORY_BYTES_CONFIG + " must be positive, got " + bytes);
    }
    return bytes;
  }
}
