package dev.signet.billing;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Bills each receipt once, by (trace, hop), whatever reaches the receipts topic. The processor
 * writes every receipt exactly once, but the MAC that proves a record came from it covers the
 * bytes, not their uniqueness: a client with write access to the topic could copy a genuine record
 * and bill its tenant twice. Runs after the repartition by tenant, so every copy of a receipt, on
 * whatever receipts partition it was written, reaches the task that holds its trace.
 *
 * <p>State: per trace, the hops billed ({@link BilledHops}), in a window store whose segments
 * expire after the retention, so the state holds the traces active within it and costs nothing to
 * expire. A receipt signed longer than the retention before the task's stream time can no longer be
 * checked; it is not billed, but logged and counted ({@code reason="TOO_OLD"}), and reconciliation
 * reports it as a receipt stored but not billed.
 *
 * <p>Reserved-config events pass through untouched.
 */
final class DeduplicateReceipts implements FixedKeyProcessor<String, TenantEvent, TenantEvent> {

  static final String STORE = "billed-hops-store";
  static final String REPLAYED = "REPLAYED";
  static final String TOO_OLD = "TOO_OLD";

  /** Default retention: longer than a month, so no copy can bill an open month twice. */
  static final Duration DEFAULT_RETENTION = Duration.ofDays(35);

  private static final long BUCKET_MS = Duration.ofHours(1).toMillis();

  private final Duration retention;
  private final RefusedRecords refusals;
  private FixedKeyProcessorContext<String, TenantEvent> context;
  private WindowStore<String, BilledHops> billed;

  DeduplicateReceipts(Duration retention, MeterRegistry registry) {
    this.retention = retention;
    this.refusals = AuthenticateReceipts.refusals(registry, DeduplicateReceipts.class);
  }

  /** The window store: one segment per half retention, dropped whole when it expires. */
  static StoreBuilder<WindowStore<String, BilledHops>> store(Duration retention) {
    return Stores.windowStoreBuilder(
        Stores.persistentWindowStore(STORE, retention, Duration.ofMillis(BUCKET_MS), false),
        Serdes.String(),
        BilledHops.SERDE);
  }

  @Override
  public void init(FixedKeyProcessorContext<String, TenantEvent> context) {
    this.context = context;
    this.billed = context.getStateStore(STORE);
  }

  @Override
  public void process(FixedKeyRecord<String, TenantEvent> record) {
    if (!(record.value() instanceof UsageEvent usage)) {
      context.forward(record);
      return;
    }
    long streamTime = Math.max(context.currentStreamTimeMs(), record.timestamp());
    if (record.timestamp() < streamTime - retention.toMillis()) {
      refusals.refuse(
          context,
          record.key(),
          TOO_OLD,
          "receipt "
              + usage.traceId()
              + "/"
              + usage.hop()
              + " signed at "
              + Instant.ofEpochMilli(record.timestamp())
              + ", more than "
              + retention
              + " before stream time "
              + Instant.ofEpochMilli(streamTime)
              + ": too old to tell from a copy");
      return;
    }
    String key = usage.tenant() + "@" + usage.traceId();
    BilledHops hops = latest(key, streamTime);
    if (hops.contains(usage.hop())) {
      refusals.refuse(
          context,
          record.key(),
          REPLAYED,
          "receipt "
              + usage.traceId()
              + "/"
              + usage.hop()
              + " was billed already (a copy written to the receipts topic)");
      return;
    }
    // Always into the newest bucket, so the latest value of a trace is the one fetched first.
    billed.put(key, hops.plus(usage.hop()), streamTime - streamTime % BUCKET_MS);
    context.forward(record);
  }

  private BilledHops latest(String key, long streamTime) {
    try (WindowStoreIterator<BilledHops> values =
        billed.backwardFetch(key, streamTime - retention.toMillis(), streamTime)) {
      return values.hasNext() ? values.next().value : BilledHops.NONE;
    }
  }
}
