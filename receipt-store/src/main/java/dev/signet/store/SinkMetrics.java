package dev.signet.store;

import dev.signet.shell.ConsumerLag;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sink's meters. Dotted Micrometer names; Prometheus shows them as {@code
 * signet_store_receipts_stored_total}, {@code signet_store_receipt_conflicts_total}, and so on.
 *
 * <p>Alert on {@code signet_store_receipts_quarantined_total} (any increase: someone wrote records
 * to the receipt topic without the server secret, or the processor and the store disagree on keys),
 * on {@code signet_store_sink_up == 0} for more than a few minutes, and on a growing {@code
 * signet_store_sink_lag}.
 */
final class SinkMetrics {

  static final String STORED = "signet.store.receipts.stored";
  static final String DUPLICATES = "signet.store.receipts.duplicates";
  static final String CONFLICTS = "signet.store.receipt.conflicts";
  static final String REJECTED = "signet.store.receipts.rejected";
  static final String WRITE_FAILURES = "signet.store.write.failures";
  static final String BATCH_WRITE = "signet.store.batch.write";
  static final String QUARANTINED = "signet.store.receipts.quarantined";
  static final String RETRIES = "signet.store.sink.retries";
  static final String UP = "signet.store.sink.up";
  static final String LAG = "signet.store.sink.lag";

  private final MeterRegistry registry;
  final Counter stored;
  final Counter duplicates;
  final Counter conflicts;
  final Counter writeFailures;
  final Timer batchWrite;
  final ConsumerLag lag;

  SinkMetrics(MeterRegistry registry, AtomicInteger up) {
    this.registry = registry;
    Gauge.builder(UP, up, AtomicInteger::get)
        .description(
            "1 while the sink consumes and stores normally; 0 while it retries, and once it stopped")
        .register(registry);
    lag =
        ConsumerLag.register(
            registry,
            LAG,
            "Receipts on the topic not yet read by this sink, as of its last poll (-1: not known yet)");
    stored = Counter.builder(STORED).description("Receipts newly stored").register(registry);
    duplicates =
        Counter.builder(DUPLICATES)
            .description("Receipts received again and not stored a second time")
            .register(registry);
    conflicts =
        Counter.builder(CONFLICTS)
            .description("Receipts differing from the one stored for their (trace_id, hop)")
            .register(registry);
    writeFailures =
        Counter.builder(WRITE_FAILURES)
            .description("Batch writes that failed and will be retried")
            .register(registry);
    batchWrite =
        Timer.builder(BATCH_WRITE)
            .description("One batch's database transaction")
            .register(registry);
  }

  /** Receipts skipped as unreadable or unverifiable, by stable reason code. */
  void rejected(String reason) {
    Counter.builder(REJECTED)
        .description("Receipt records skipped because they cannot be stored")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** A refused record, newly written to receipt_quarantine. */
  void quarantined(QuarantineReason reason) {
    Counter.builder(QUARANTINED)
        .description(
            "Records on the receipt topic quarantined instead of stored (forged, unsigned, not receipts)")
        .tag("reason", reason.name())
        .register(registry)
        .increment();
  }

  /** A recoverable failure the sink waits out and retries, by cause. */
  void retried(String cause) {
    Counter.builder(RETRIES)
        .description(
            "Recoverable failures (database, Kafka commit or poll) the sink backed off from and retried")
        .tag("cause", cause)
        .register(registry)
        .increment();
  }
}
