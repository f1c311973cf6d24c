package dev.signet.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The sink's meters. Dotted Micrometer names; Prometheus shows them as
 * {@code signet_receipts_stored_total}, {@code signet_receipt_conflicts_total}, and so on.
 */
final class SinkMetrics {

  static final String STORED = "signet.receipts.stored";
  static final String DUPLICATES = "signet.receipts.duplicates";
  static final String CONFLICTS = "signet.receipt.conflicts";
  static final String REJECTED = "signet.receipts.rejected";
  static final String WRITE_FAILURES = "signet.receipt.write.failures";
  static final String BATCH_WRITE = "signet.receipt.batch.write";

  private final MeterRegistry registry;
  final Counter stored;
  final Counter duplicates;
  final Counter conflicts;
  final Counter writeFailures;
  final Timer batchWrite;

  SinkMetrics(MeterRegistry registry) {
    this.registry = registry;
    stored = Counter.builder(STORED).description("Receipts newly stored").register(registry);
    duplicates = Counter.builder(DUPLICATES)
        .description("Receipts received again and not stored a second time")
        .register(registry);
    conflicts = Counter.builder(CONFLICTS)
        .description("Receipts differing from the one stored for their (trace_id, hop)")
        .register(registry);
    writeFailures = Counter.builder(WRITE_FAILURES)
        .description("Batch writes that failed and will be retried")
        .register(registry);
    batchWrite = Timer.builder(BATCH_WRITE).description("One batch's database transaction").register(registry);
  }

  /** Receipts skipped as unreadable or unverifiable, by stable reason code. */
  void rejected(String reason) {
    Counter.builder(REJECTED)
        .description("Receipt records skipped because they cannot be stored")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }
}
