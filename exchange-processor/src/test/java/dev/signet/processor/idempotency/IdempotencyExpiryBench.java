package dev.signet.processor.idempotency;

import static dev.signet.processor.idempotency.IdempotencyStores.entry;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Wall time of one idempotency expiry run against a large RocksDB store, next to the full scan it
 * replaces. Not a test; run by hand: {@code java -cp target/classes:target/test-classes:<test
 * classpath> dev.signet.processor.idempotency.IdempotencyExpiryBench [entries] [expired per run]
 * [runs]}.
 */
final class IdempotencyExpiryBench {

  private static final Duration RETENTION = Duration.ofHours(24);
  private static final long NOW = 1_795_000_000_000L;

  private IdempotencyExpiryBench() {}

  public static void main(String[] args) throws Exception {
    int stored = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int perRun = args.length > 1 ? Integer.parseInt(args[1]) : IdempotencyStore.MAX_EXPIRED_PER_RUN;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path dir = Files.createTempDirectory("idempotency-bench");
    try (IdempotencyStores stores = new IdempotencyStores(dir)) {
      IdempotencyStore store =
          new IdempotencyStore(stores.entries, stores.index, new SimpleMeterRegistry());
      long cutoff = NOW - RETENTION.toMillis();
      store.expire(NOW, RETENTION, 1);
      // Entries one millisecond apart, the oldest runs × perRun of them before the cutoff.
      long first = cutoff - (long) runs * perRun;
      long fill = System.nanoTime();
      for (int i = 0; i < stored; i++) {
        store.put(String.format("tenant-%d\nkey-%09d", i % 97, i), entry(first + i));
        if (i > 0 && i % 1_000_000 == 0) {
          System.out.printf("  filled %,d%n", i);
        }
      }
      stores.entries.flush();
      stores.index.flush();
      System.out.printf("filled %,d entries in %.1f s%n", stored, (System.nanoTime() - fill) / 1e9);

      long scan = System.nanoTime();
      long seen = 0;
      try (KeyValueIterator<String, IdempotencyEntry> all = stores.entries.all()) {
        while (all.hasNext()) {
          if (all.next().value.storedAtMs() < cutoff) {
            seen++;
          }
        }
      }
      System.out.printf(
          "old sweep (scan and parse every entry, no deletes): %,d entries, %,d expired, %d ms%n",
          stored, seen, (System.nanoTime() - scan) / 1_000_000);

      for (int run = 0; run < runs + 1; run++) {
        long start = System.nanoTime();
        IdempotencyStore.Sweep sweep = store.expire(NOW, RETENTION, perRun);
        System.out.printf(
            "expiry run %d: %s in %d ms%n",
            run + 1, sweep, (System.nanoTime() - start) / 1_000_000);
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
