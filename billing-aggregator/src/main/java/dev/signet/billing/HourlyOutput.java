package dev.signet.billing;

import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.UsageAdjustment;

/**
 * What {@link SumUsagePerHour} forwards: an hour's total (running or final) for the hourly topic,
 * or late usage of a closed hour for the adjustments topic. Never serialised: the topology splits
 * it into the two sinks right after the processor.
 */
sealed interface HourlyOutput {

  /** The hour's total so far, or its final total when {@code usage.isFinal()}. */
  record Total(HourlyUsage usage) implements HourlyOutput {}

  /** Usage of an hour that was already final. */
  record Adjustment(UsageAdjustment adjustment) implements HourlyOutput {}
}
