package dev.signet.core.crypto;

import dev.signet.core.message.SignetHeaders;
import dev.signet.core.topic.Topics;
import java.util.Optional;

/**
 * The MACs of the billing records Signet acts on, each under its own key derived from the server
 * secret and carried in {@link SignetHeaders#RECORD_MAC}: reserved-config changes (billing prices
 * usage with them), period totals (finance views and the FU quota read them) and overage charges
 * (pushed to Stripe). A record without a valid MAC is ignored by every Signet reader, so write
 * access to a billing topic alone cannot change a price, a total or a bill.
 */
public record BillingMacs(RecordMac reservedConfig, RecordMac periodTotals, RecordMac overage) {

  /** The MAC of the records of {@code topic}; empty for a topic whose records carry none. */
  public Optional<RecordMac> forTopic(String topic) {
    if (Topics.BILLING_RESERVED_CONFIG.name().equals(topic)) {
      return Optional.of(reservedConfig);
    }
    if (Topics.BILLING_PERIOD_TOTALS.name().equals(topic)) {
      return Optional.of(periodTotals);
    }
    if (Topics.BILLING_OVERAGE.name().equals(topic)) {
      return Optional.of(overage);
    }
    return Optional.empty();
  }

  public static BillingMacs of(ServerSecret secret) {
    return new BillingMacs(
        new RecordMac(secret, "billing/reserved-config/v1", SignetHeaders.RECORD_MAC),
        new RecordMac(secret, "billing/period-totals/v1", SignetHeaders.RECORD_MAC),
        new RecordMac(secret, "billing/overage/v1", SignetHeaders.RECORD_MAC));
  }
}
