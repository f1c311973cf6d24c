package dev.signet.billing;

import dev.signet.core.topic.JsonSerde;
import org.apache.kafka.common.serialization.Serde;

/** Running VEx and FU sums of one tenant in one window: the value of the hourly window store. */
record UsageTotals(long vex, long fuTokens) {

  static final UsageTotals ZERO = new UsageTotals(0, 0);

  static final Serde<UsageTotals> SERDE = JsonSerde.of(UsageTotals.class);

  UsageTotals plus(UsageEvent usage) {
    return new UsageTotals(vex + usage.vex(), fuTokens + usage.fuTokens());
  }
}
