package dev.signet.processor.idempotency;

import static dev.signet.processor.idempotency.IdempotencyStores.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotencyStoreTest {

  private static final Duration RETENTION = Duration.ofHours(24);
  private static final long NOW = 1_795_000_000_000L;

  @TempDir Path stateDir;
  private IdempotencyStores stores;
  private SimpleMeterRegistry meters;
  private IdempotencyStore store;

  @BeforeEach
  void setUp() {
    stores = new IdempotencyStores(stateDir);
    meters = new SimpleMeterRegistry();
    store = new IdempotencyStore(stores.entries, stores.index, meters);
    // A store created with the index: the one-off sweep of older entries finds nothing.
    store.expire(NOW, RETENTION, 1);
  }

  @AfterEach
  void tearDown() {
    stores.close();
  }

  private long cutoff() {
    return NOW - RETENTION.toMillis();
  }

  @Test
  void shouldExpireExactlyTheEntriesStoredBeforeTheCutoff() {
    // Offsets that differ in a low byte whose high bit is set: a signed byte order would put
    // cutoff-128 after cutoff-1 and stop the scan early.
    store.put("old-a", entry(cutoff() - 128));
    store.put("old-b", entry(cutoff() - 1));
    store.put("old-c", entry(cutoff() - 256));
    store.put("old-d", entry(cutoff() - 65_536));
    store.put("at-cutoff", entry(cutoff()));
    store.put("young", entry(cutoff() + 128));
    store.put("now", entry(NOW));

    IdempotencyStore.Sweep sweep = store.expire(NOW, RETENTION, 100);

    assertThat(sweep.expired()).isEqualTo(4);
    assertThat(sweep.more()).isFalse();
    assertThat(stores.entryKeys()).containsExactlyInAnyOrder("at-cutoff", "young", "now");
    assertThat(stores.indexRows())
        .containsExactly(cutoff() + "/at-cutoff", (cutoff() + 128) + "/young", NOW + "/now");
    assertThat(store.get("old-b")).isNull();
    assertThat(store.get("at-cutoff")).isNotNull();
    assertThat(meters.get("signet_processor_idempotency_expired").counter().count()).isEqualTo(4);
  }

  @Test
  void shouldExpireOldestFirstWhateverTheKey() {
    store.put("z", entry(cutoff() - 3));
    store.put("a", entry(cutoff() - 1));
    store.put("m", entry(cutoff() - 2));

    store.expire(NOW, RETENTION, 1);
    assertThat(stores.entryKeys()).containsExactly("a", "m");
    store.expire(NOW, RETENTION, 1);
    assertThat(stores.entryKeys()).containsExactly("a");
  }

  @Test
  void shouldStopAtMaxPerRunAndContinueOnTheNextRunOldestFirst() {
    IntStream.range(0, 25).forEach(i -> store.put("old-" + i, entry(cutoff() - 1000 + i)));
    store.put("young", entry(NOW));

    IdempotencyStore.Sweep first = store.expire(NOW, RETENTION, 10);
    assertThat(first).isEqualTo(new IdempotencyStore.Sweep(10, 10, true));
    // The ten oldest went: old-0 … old-9.
    assertThat(store.get("old-9")).isNull();
    assertThat(store.get("old-10")).isNotNull();

    assertThat(store.expire(NOW, RETENTION, 10))
        .isEqualTo(new IdempotencyStore.Sweep(10, 10, true));
    assertThat(store.expire(NOW, RETENTION, 10)).isEqualTo(new IdempotencyStore.Sweep(5, 5, false));
    assertThat(store.expire(NOW, RETENTION, 10)).isEqualTo(new IdempotencyStore.Sweep(0, 0, false));
    assertThat(stores.entryKeys()).containsExactly("young");
    assertThat(stores.indexRows()).containsExactly(NOW + "/young");
  }

  @Test
  void shouldKeepOneIndexRowWhenAnEntryIsStoredAgain() {
    store.put("k", entry(cutoff() - 10));
    store.put("k", entry(cutoff() + 10));
    store.put("k", entry(cutoff() + 10));

    assertThat(stores.indexRows()).containsExactly((cutoff() + 10) + "/k");
    assertThat(store.expire(NOW, RETENTION, 100).expired()).isZero();
    assertThat(store.get("k").storedAtMs()).isEqualTo(cutoff() + 10);
  }

  @Test
  void shouldFindRowsStoredBelowWhatWasAlreadySwept() {
    store.put("a", entry(cutoff() - 10));
    store.expire(NOW, RETENTION, 100);
    // The wall clock stepped back: a row older than the last one swept must still be found.
    store.put("b", entry(cutoff() - 20));

    assertThat(store.expire(NOW, RETENTION, 100).expired()).isEqualTo(1);
    assertThat(stores.entryKeys()).isEmpty();
  }

  @Test
  void shouldSweepEntriesWrittenBeforeTheIndexInBoundedRunsThatSurviveARestart() {
    IdempotencyStores upgraded = new IdempotencyStores(stateDir.resolve("legacy"));
    IdempotencyStore sweeper = new IdempotencyStore(upgraded.entries, upgraded.index, meters);
    // Entries restored from a store written before the index existed: no index rows.
    IntStream.range(0, 30)
        .forEach(
            i ->
                upgraded.entries.put(
                    "legacy-" + (char) ('a' + i), entry(i % 2 == 0 ? cutoff() - 1 - i : NOW - i)));

    IdempotencyStore.Sweep first = sweeper.expire(NOW, RETENTION, 12);
    assertThat(first.visited()).isEqualTo(12);
    assertThat(first.expired()).isEqualTo(6);
    assertThat(first.more()).isTrue();

    // A new instance (restart, rebalance) resumes from the persisted cursor.
    IdempotencyStore restarted = new IdempotencyStore(upgraded.entries, upgraded.index, meters);
    assertThat(restarted.expire(NOW, RETENTION, 12))
        .isEqualTo(new IdempotencyStore.Sweep(6, 12, true));
    assertThat(restarted.expire(NOW, RETENTION, 12))
        .isEqualTo(new IdempotencyStore.Sweep(3, 6, false));

    assertThat(upgraded.entryKeys())
        .hasSize(15)
        .allSatisfy(key -> assertThat((key.charAt(7) - 'a') % 2).isEqualTo(1));
    assertThat(upgraded.indexRows()).hasSize(15);
    assertThat(upgraded.index.get(IdempotencyStore.LEGACY_DONE)).isNotNull();
    assertThat(upgraded.index.get(IdempotencyStore.LEGACY_CURSOR)).isNull();
    // Swept once: later runs touch only the index.
    assertThat(
            new IdempotencyStore(upgraded.entries, upgraded.index, meters)
                .expire(NOW, RETENTION, 12))
        .isEqualTo(new IdempotencyStore.Sweep(0, 0, false));
    upgraded.close();
  }

  @Test
  void shouldFinishTheLegacySweepOfAFreshStoreOnTheFirstRun() {
    try (IdempotencyStores fresh = new IdempotencyStores(stateDir.resolve("fresh"))) {
      assertThat(fresh.index.get(IdempotencyStore.LEGACY_DONE)).isNull();
      assertThat(
              new IdempotencyStore(fresh.entries, fresh.index, meters).expire(NOW, RETENTION, 10))
          .isEqualTo(new IdempotencyStore.Sweep(0, 0, false));
      assertThat(fresh.index.get(IdempotencyStore.LEGACY_DONE)).isNotNull();
    }
  }

  @Test
  void shouldRunAtLeastEverySecond() {
    assertThat(IdempotencyStore.sweepInterval(Duration.ofHours(24)))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(IdempotencyStore.sweepInterval(Duration.ofMillis(200)))
        .isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void shouldDecodeWhatItEncodes() {
    var row = IdempotencyStore.indexKey(cutoff(), "tenant\nkey-é");
    assertThat(IdempotencyStore.storedAt(row)).isEqualTo(cutoff());
    assertThat(IdempotencyStore.entryKey(row)).isEqualTo("tenant\nkey-é");
    assertThat(row.get()).hasSize(8 + "tenant\nkey-é".getBytes(StandardCharsets.UTF_8).length);
  }
}
