package dev.signet.processor.idempotency;

import static dev.signet.processor.idempotency.IdempotencyStores.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost of one expiry run is what expires, not what is stored. Asserted on rows touched, not on
 * time (timings belong to {@code IdempotencyExpiryBench}); the wall time is printed.
 */
class IdempotencyStoreCostTest {

  private static final Duration RETENTION = Duration.ofHours(24);
  private static final long NOW = 1_795_000_000_000L;
  private static final int STORED = 1_000_000;
  private static final int EXPIRED = 10_000;

  @TempDir Path stateDir;

  @Test
  void shouldTouchOnlyTheExpiredRowsOfAMillionEntryStore() {
    try (IdempotencyStores stores = new IdempotencyStores(stateDir)) {
      AtomicLong rowsRead = new AtomicLong();
      IdempotencyStore store =
          new IdempotencyStore(
              Counting.store(stores.entries, rowsRead),
              Counting.store(stores.index, rowsRead),
              new SimpleMeterRegistry());
      long cutoff = NOW - RETENTION.toMillis();
      store.expire(NOW, RETENTION, 1);
      for (int i = 0; i < STORED; i++) {
        // The first EXPIRED entries fall before the cutoff; the rest spread over the retention.
        long storedAt =
            i < EXPIRED
                ? cutoff - EXPIRED + i
                : cutoff + (long) i * (RETENTION.toMillis() / STORED);
        store.put(String.format("tenant-%d\nkey-%07d", i % 97, i), entry(storedAt));
      }
      rowsRead.set(0);

      long start = System.nanoTime();
      IdempotencyStore.Sweep sweep =
          store.expire(NOW, RETENTION, IdempotencyStore.MAX_EXPIRED_PER_RUN);
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;

      System.out.printf(
          "one expiry run over %,d entries: %,d expired, %,d rows read, %d ms%n",
          STORED, sweep.expired(), rowsRead.get(), elapsedMs);
      assertThat(sweep).isEqualTo(new IdempotencyStore.Sweep(EXPIRED, EXPIRED, false));
      // One index row iterated per expired entry; no entry is read.
      assertThat(rowsRead.get()).isEqualTo(EXPIRED);
      assertThat(store.get(String.format("tenant-%d\nkey-%07d", (EXPIRED - 1) % 97, EXPIRED - 1)))
          .isNull();
      assertThat(store.get(String.format("tenant-%d\nkey-%07d", EXPIRED % 97, EXPIRED)))
          .isNotNull();
    }
  }
}
