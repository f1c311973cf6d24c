package dev.signet.cli;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.billing.Meter;
import com.stripe.model.billing.MeterEventSummary;
import com.stripe.param.billing.MeterEventSummaryListParams;
import com.stripe.param.billing.MeterListParams;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What Stripe counted for one customer on one meter over one UTC month: the sum of the meter's
 * event summaries ({@code GET /v1/billing/meters/{id}/event_summaries}).
 */
final class StripeSummaries {

  private final StripeClient client;
  private final long startSeconds;
  private final long endSeconds;
  private Map<String, String> meterIds;

  StripeSummaries(String apiKey, String apiBase, YearMonth period) {
    this.client =
        StripeClient.builder()
            .setApiKey(apiKey)
            .setApiBase(apiBase)
            .setMaxNetworkRetries(2)
            .build();
    this.startSeconds = Reconciliation.start(period).getEpochSecond();
    this.endSeconds = Reconciliation.start(period.plusMonths(1)).getEpochSecond();
  }

  /** Stripe's total for the customer on the meter of {@code eventName}; empty if no such meter. */
  Optional<BigDecimal> total(String eventName, String customer) {
    try {
      String meterId = meterIds().get(eventName);
      if (meterId == null) {
        return Optional.empty();
      }
      MeterEventSummaryListParams params =
          MeterEventSummaryListParams.builder()
              .setCustomer(customer)
              .setStartTime(startSeconds)
              .setEndTime(endSeconds)
              .setLimit(100L)
              .build();
      BigDecimal sum = BigDecimal.ZERO;
      for (MeterEventSummary summary :
          client
              .v1()
              .billing()
              .meters()
              .eventSummaries()
              .list(meterId, params)
              .autoPagingIterable()) {
        if (summary.getAggregatedValue() != null) {
          sum = sum.add(summary.getAggregatedValue());
        }
      }
      return Optional.of(sum);
    } catch (StripeException e) {
      throw new CliException(
          "cannot read Stripe's meter event summaries of " + eventName + ": " + e.getMessage(), e);
    }
  }

  private Map<String, String> meterIds() throws StripeException {
    if (meterIds == null) {
      meterIds = new HashMap<>();
      for (Meter meter :
          client
              .v1()
              .billing()
              .meters()
              .list(MeterListParams.builder().setLimit(100L).build())
              .autoPagingIterable()) {
        meterIds.put(meter.getEventName(), meter.getId());
      }
    }
    return meterIds;
  }
}
