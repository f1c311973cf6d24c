package dev.signet.billing;

import dev.signet.core.topic.JsonSerde;
import org.apache.kafka.common.serialization.Serde;

/**
 * The signed times of the earliest and the latest receipt whose usage is not yet charged, per
 * {@code tenant@YYYY-MM@type}: an overage charge's {@code window}. Kept in a store, so the window
 * of a charge made after a restart still covers the usage from before it.
 */
record UsageSpan(long firstMs, long lastMs) {

  static final Serde<UsageSpan> SERDE = JsonSerde.of(UsageSpan.class);

  static UsageSpan at(long timestampMs) {
    return new UsageSpan(timestampMs, timestampMs);
  }

  UsageSpan with(long timestampMs) {
    return new UsageSpan(Math.min(firstMs, timestampMs), Math.max(lastMs, timestampMs));
  }
}
