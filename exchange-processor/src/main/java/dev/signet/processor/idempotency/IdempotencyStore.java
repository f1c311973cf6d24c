package dev.signet.processor.idempotency;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotency entries of one task, with a time-ordered index so that expiry costs what expires
 * rather than what is stored.
 *
 * <p>Index rows are keyed {@code storedAtMs (8 bytes, big-endian) ++ UTF-8 entry key} with an empty
 * value. RocksDB (and the in-memory store's {@code TreeMap<Bytes,…>}) order {@link Bytes} keys
 * byte-wise, unsigned, so for non-negative timestamps a range scan from the start returns the
 * oldest entries first and stops at the cutoff: one seek plus one step per expired entry. Both
 * stores are written in the same task, so under {@code exactly_once_v2} an entry and its index row
 * commit (and restore) together.
 *
 * <p>Entries written before the index existed have no index row. Rather than scanning the whole
 * entries store once (the very cost this class removes), {@link #expire} sweeps them incrementally:
 * a key-ordered cursor, persisted in the index store so that a restart or a rebalance resumes it,
 * visits a bounded number of entries per run, deletes the expired ones and indexes the rest. When
 * the cursor reaches the end a marker records that the sweep is done; a fresh store finishes it on
 * the first run.
 */
public final class IdempotencyStore {

  /**
   * The most entries (index rows or legacy entries) one expiry run visits, to keep the transaction
   * short.
   */
  public static final int MAX_EXPIRED_PER_RUN = 10_000;

  private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);
  private static final byte[] EMPTY = new byte[0];
  // Timestamps are non-negative, so their first byte is at most 0x7F: keys under an all-0xFF
  // prefix can never fall in an expiry range.
  private static final byte[] MARKER_PREFIX = {-1, -1, -1, -1, -1, -1, -1, -1};
  static final Bytes LEGACY_CURSOR = marker("legacy-sweep-cursor");
  static final Bytes LEGACY_DONE = marker("legacy-sweep-done");

  private final KeyValueStore<String, IdempotencyEntry> entries;
  private final KeyValueStore<Bytes, byte[]> index;
  private final Counter expiredCounter;
  private Boolean legacySweepDone;
  // Every index row below this key has been deleted: the next run seeks past the tombstones
  // RocksDB keeps at the head of the key space until compaction. Not persisted: after a restart
  // the first run starts from the beginning once.
  private Bytes resumeAfter;

  /**
   * The outcome of one expiry run: entries deleted, rows visited, and whether expired ones remain.
   */
  public record Sweep(int expired, int visited, boolean more) {}

  public IdempotencyStore(
      KeyValueStore<String, IdempotencyEntry> entries,
      KeyValueStore<Bytes, byte[]> index,
      MeterRegistry meters) {
    this.entries = Objects.requireNonNull(entries, "entries");
    this.index = Objects.requireNonNull(index, "index");
    this.expiredCounter =
        Counter.builder("signet_processor_idempotency_expired")
            .description("Idempotency entries deleted after their retention")
            .register(meters);
  }

  /**
   * How often to run {@link #expire}: every second (or every retention, if shorter), so each run
   * deletes about one second's worth of entries. At 10,000 exchanges/s a per-minute run would face
   * 600,000 expired entries, and a bounded run would never catch up.
   */
  public static Duration sweepInterval(Duration retention) {
    Duration second = Duration.ofSeconds(1);
    return retention.compareTo(second) < 0 ? retention : second;
  }

  public IdempotencyEntry get(String key) {
    return entries.get(key);
  }

  /**
   * The entry of {@code key} if it was stored within {@code retention} before {@code nowMs} (the
   * time of the record asking), else null: whether a retry is answered from its entry depends on
   * the records alone, never on when a sweep happened to run. An entry past its retention is
   * deleted here with its index row, so that a new entry under the key is never swept by the old
   * row (sweeps delete blindly); {@link #putNew} may follow.
   */
  public IdempotencyEntry live(String key, long nowMs, Duration retention) {
    IdempotencyEntry entry = entries.get(key);
    if (entry == null || entry.storedAtMs() > nowMs - retention.toMillis()) {
      return entry;
    }
    index.put(indexKey(entry.storedAtMs(), key), null);
    entries.put(key, null);
    expiredCounter.increment();
    return null;
  }

  /** Stores the entry and its index row; a previous entry's row under another time is removed. */
  /** As {@link #put}, for a key the caller has just read and found absent: saves a second read. */
  public void putNew(String key, IdempotencyEntry entry) {
    entries.put(key, entry);
    putIndexRow(indexKey(entry.storedAtMs(), key));
  }

  public void put(String key, IdempotencyEntry entry) {
    IdempotencyEntry previous = entries.get(key);
    if (previous != null && Math.max(0, previous.storedAtMs()) != Math.max(0, entry.storedAtMs())) {
      index.put(indexKey(previous.storedAtMs(), key), null);
    }
    entries.put(key, entry);
    putIndexRow(indexKey(entry.storedAtMs(), key));
  }

  /**
   * Deletes entries stored before {@code nowMs - retention}, oldest first, visiting at most {@code
   * maxPerRun} rows; what is left is taken up by the next run.
   */
  public Sweep expire(long nowMs, Duration retention, int maxPerRun) {
    if (maxPerRun <= 0) {
      throw new IllegalArgumentException("maxPerRun must be positive, got " + maxPerRun);
    }
    long cutoff = nowMs - retention.toMillis();
    Sweep indexed = expireIndexed(cutoff, maxPerRun);
    Sweep sweep = indexed;
    int budget = maxPerRun - indexed.visited();
    if (budget > 0 && !legacySweepDone()) {
      Sweep legacy = sweepLegacy(cutoff, budget);
      sweep =
          new Sweep(
              indexed.expired() + legacy.expired(),
              indexed.visited() + legacy.visited(),
              indexed.more() || legacy.more());
    } else if (!legacySweepDone()) {
      sweep = new Sweep(indexed.expired(), indexed.visited(), true);
    }
    expiredCounter.increment(sweep.expired());
    return sweep;
  }

  private Sweep expireIndexed(long cutoff, int limit) {
    if (cutoff <= 0) {
      return new Sweep(0, 0, false);
    }
    // 8 bytes of the cutoff with no key: every row stored before the cutoff sorts below it.
    Bytes upper = Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(cutoff).array());
    if (resumeAfter != null && resumeAfter.compareTo(upper) >= 0) {
      return new Sweep(0, 0, false);
    }
    List<Bytes> due = new ArrayList<>();
    boolean more = false;
    try (KeyValueIterator<Bytes, byte[]> rows = index.range(resumeAfter, upper)) {
      while (rows.hasNext()) {
        Bytes row = rows.next().key;
        if (row.equals(resumeAfter) || storedAt(row) >= cutoff) {
          continue;
        }
        if (due.size() == limit) {
          more = true;
          break;
        }
        due.add(row);
      }
    }
    // Deleting after the iterator is closed keeps the scan free of its own writes. The deletes
    // are blind (put null, not delete, which reads the old value back): reading each entry to
    // confirm its time cost a random RocksDB read, 5-20x the rest of the work. Rows are written
    // only here and put() drops an entry's previous row, so a row always matches its entry.
    for (Bytes row : due) {
      entries.put(entryKey(row), null);
      index.put(row, null);
    }
    if (!due.isEmpty()) {
      resumeAfter = due.get(due.size() - 1);
    }
    return new Sweep(due.size(), due.size(), more);
  }

  private Sweep sweepLegacy(long cutoff, int limit) {
    byte[] cursorBytes = index.get(LEGACY_CURSOR);
    String cursor = cursorBytes == null ? null : new String(cursorBytes, StandardCharsets.UTF_8);
    List<KeyValue<String, Long>> visited = new ArrayList<>();
    boolean more = false;
    try (KeyValueIterator<String, IdempotencyEntry> scan = entries.range(cursor, null)) {
      while (scan.hasNext()) {
        KeyValue<String, IdempotencyEntry> entry = scan.next();
        if (entry.key.equals(cursor)) {
          continue;
        }
        if (visited.size() == limit) {
          more = true;
          break;
        }
        visited.add(KeyValue.pair(entry.key, entry.value.storedAtMs()));
      }
    }
    int expired = 0;
    for (KeyValue<String, Long> entry : visited) {
      Bytes row = indexKey(entry.value, entry.key);
      if (entry.value < cutoff) {
        entries.put(entry.key, null);
        index.put(row, null);
        expired++;
      } else {
        // A blind write: cheaper than reading whether the row is already there.
        putIndexRow(row);
      }
    }
    if (more) {
      index.put(
          LEGACY_CURSOR, visited.get(visited.size() - 1).key.getBytes(StandardCharsets.UTF_8));
    } else {
      index.put(LEGACY_DONE, EMPTY);
      index.put(LEGACY_CURSOR, null);
      legacySweepDone = true;
      log.info(
          "idempotency entries without an expiry index row are all indexed or expired; the legacy sweep is done");
    }
    return new Sweep(expired, visited.size(), more);
  }

  private boolean legacySweepDone() {
    if (legacySweepDone == null) {
      legacySweepDone = index.get(LEGACY_DONE) != null;
    }
    return legacySweepDone;
  }

  private void putIndexRow(Bytes row) {
    if (resumeAfter != null && row.compareTo(resumeAfter) <= 0) {
      // A row older than what was already swept (a clock step back): scan from the start again.
      resumeAfter = null;
    }
    index.put(row, EMPTY);
  }

  static Bytes indexKey(long storedAtMs, String key) {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    // A negative time would sort after every positive one; no real clock produces it.
    return Bytes.wrap(
        ByteBuffer.allocate(Long.BYTES + keyBytes.length)
            .putLong(Math.max(0, storedAtMs))
            .put(keyBytes)
            .array());
  }

  static long storedAt(Bytes row) {
    return ByteBuffer.wrap(row.get(), 0, Long.BYTES).getLong();
  }

  static String entryKey(Bytes row) {
    byte[] bytes = row.get();
    return new String(bytes, Long.BYTES, bytes.length - Long.BYTES, StandardCharsets.UTF_8);
  }

  private static Bytes marker(String name) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    byte[] key = Arrays.copyOf(MARKER_PREFIX, MARKER_PREFIX.length + nameBytes.length);
    System.arraycopy(nameBytes, 0, key, MARKER_PREFIX.length, nameBytes.length);
    return Bytes.wrap(key);
  }
}
