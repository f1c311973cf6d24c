package dev.signet.billing;

import dev.signet.core.topic.JsonSerde;
import org.apache.kafka.common.serialization.Serde;

/**
 * Running VEx and FU sums of one tenant in one open hour: the value of the open-hours store.
 *
 * @param latestMs the latest record timestamp added (a receipt's signed {@code ts}): the timestamp
 *     of the hour's records on the output topic, as the former window aggregation gave them
 */
record UsageTotals(long vex, long fuTokens, long latestMs) {

  static final UsageTotals ZERO = new UsageTotals(0, 0, Long.MIN_VALUE);

  static final Serde<UsageTotals> SERDE = JsonSerde.of(UsageTotals.class);

  /** Exact: an overflow fails the task rather than wrapping a bill around. */
  UsageTotals plus(UsageEvent usage, long timestampMs) {
    return new UsageTotals(
        Math.addExact(vex, usage.vex()),
        Math.addExact(fuTokens, usage.fuTokens()),
        Math.max(latestMs, timestampMs));
  }
}
