package dev.signet.core.topic;

import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.ForwardOutcome;
import dev.signet.core.message.ForwardRequest;
import dev.signet.core.message.FuCharge;
import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.OverageCharge;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.RepairOutcome;
import dev.signet.core.message.RepairRequest;
import dev.signet.core.message.ReservedConfigChange;
import dev.signet.core.message.StripePush;
import dev.signet.core.message.UsageAdjustment;
import dev.signet.core.receipt.Receipt;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;

/** Every Signet topic, declared once with its serdes. */
public final class Topics {

  /**
   * Requests from ingress and async producers, keyed by trace id, raw JSON bytes: the processor
   * parses and validates them itself, so a malformed record becomes a rejection, not a crash. The
   * broker stamps each record's time ({@code LogAppendTime}): a receipt's {@code ts} is its
   * request's record time, so no producer chooses it and a replay signs the same bytes. The slow
   * stages' outcomes are copied here too ({@link
   * dev.signet.core.message.SignetHeaders#STAGE_OUTCOME}), so one log orders everything a trace's
   * task reads.
   */
  public static final Topic<String, byte[]> EXCHANGE_REQUESTS =
      new Topic<>("signet.exchange.requests.v1", Serdes.String(), Serdes.ByteArray(), false)
          .with(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");

  /**
   * Results of requests no caller waits for over HTTP (async producers: records without {@link
   * dev.signet.core.message.SignetHeaders#CORRELATION_ID}).
   */
  public static final Topic<String, ExchangeResult> EXCHANGE_RESULTS =
      new Topic<>(
          "signet.exchange.results.v1", Serdes.String(), JsonSerde.of(ExchangeResult.class), false);

  /**
   * Results ingress waits for (requests with a correlation id), written as the processor makes them
   * and read by ingress {@code read_uncommitted}: each is a pure function of committed records, so
   * a transaction that aborts and is replayed writes the same bytes again (docs/receipts.md,
   * "Replies before the commit"). Kept an hour: only waiting callers read it.
   */
  public static final Topic<String, ExchangeResult> EXCHANGE_REPLIES =
      new Topic<>(
              "signet.exchange.replies.v1",
              Serdes.String(),
              JsonSerde.of(ExchangeResult.class),
              false)
          .with(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()));

  /**
   * Replies that depend on something outside the committed records (the FU quota read from
   * billing's totals, an exchange still in progress, an internal error): ingress reads them {@code
   * read_committed}, so a caller never sees one that a replay could answer differently.
   */
  public static final Topic<String, ExchangeResult> EXCHANGE_REPLIES_SETTLED =
      new Topic<>(
              "signet.exchange.replies-settled.v1",
              Serdes.String(),
              JsonSerde.of(ExchangeResult.class),
              false)
          .with(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()));

  public static final Topic<String, Receipt> RECEIPTS =
      new Topic<>("signet.receipts.v1", Serdes.String(), JsonSerde.of(Receipt.class), false);

  /**
   * Requests the processor parks for inspection, as their original bytes (cut to fit a record, then
   * marked {@code x-signet-truncated-from}) and headers without the API key: poison records (not
   * JSON, not UTF-8, headers over 16 KiB) and records a bug kept it from processing. Each carries
   * the reason in {@code x-signet-error-code} and {@code x-signet-error} and where it was read in
   * {@code x-signet-source-partition} and {@code x-signet-source-offset} (see {@link
   * dev.signet.core.message.SignetHeaders}); the caller also gets a rejection on {@link
   * #EXCHANGE_RESULTS}.
   */
  public static final Topic<String, byte[]> EXCHANGE_DLQ =
      new Topic<>("signet.exchange.dlq.v1", Serdes.String(), Serdes.ByteArray(), false);

  /**
   * Repairs the processor asks the model for, keyed by trace on the trace's partition (same
   * partition count as {@link #EXCHANGE_REQUESTS}); read by the repair worker, off the stream
   * threads.
   */
  public static final Topic<String, RepairRequest> EXCHANGE_REPAIR_REQUESTS =
      new Topic<>(
          "signet.exchange.repair-requests.v1",
          Serdes.String(),
          JsonSerde.of(RepairRequest.class),
          false);

  /**
   * The model's answers, keyed by trace on the partition of their request (same partition count as
   * {@link #EXCHANGE_REQUESTS}); the processor continues each exchange from its outcome.
   */
  public static final Topic<String, RepairOutcome> EXCHANGE_REPAIR_OUTCOMES =
      new Topic<>(
          "signet.exchange.repair-outcomes.v1",
          Serdes.String(),
          JsonSerde.of(RepairOutcome.class),
          false);

  /**
   * Forwards the processor asks for, keyed by trace on the trace's partition (same partition count
   * as {@link #EXCHANGE_REQUESTS}); read by the forward worker, off the stream threads.
   */
  public static final Topic<String, ForwardRequest> EXCHANGE_FORWARD_REQUESTS =
      new Topic<>(
          "signet.exchange.forward-requests.v1",
          Serdes.String(),
          JsonSerde.of(ForwardRequest.class),
          false);

  /**
   * What became of each forward, keyed by trace on the partition of its request (same partition
   * count as {@link #EXCHANGE_REQUESTS}); the processor signs the receipt from it.
   */
  public static final Topic<String, ForwardOutcome> EXCHANGE_FORWARD_OUTCOMES =
      new Topic<>(
          "signet.exchange.forward-outcomes.v1",
          Serdes.String(),
          JsonSerde.of(ForwardOutcome.class),
          false);

  /** FU of repairs whose result was rejected, billed without a receipt; keyed by trace. */
  public static final Topic<String, FuCharge> EXCHANGE_FU_CHARGES =
      new Topic<>(
          "signet.exchange.fu-charges.v1", Serdes.String(), JsonSerde.of(FuCharge.class), false);

  /**
   * Hourly VEx/FU per tenant; keyed by {@code tenant@windowStart}, compacted to the latest total.
   */
  public static final Topic<String, HourlyUsage> BILLING_USAGE_HOURLY =
      new Topic<>(
          "signet.billing.usage-hourly.v1", Serdes.String(), JsonSerde.of(HourlyUsage.class), true);

  /**
   * Running VEx/FU totals per tenant and UTC calendar month; keyed by {@code tenant@YYYY-MM@type}
   * (see {@link PeriodTotal#key}), compacted to the latest total. Consumers replace, never add.
   */
  public static final Topic<String, PeriodTotal> BILLING_PERIOD_TOTALS =
      new Topic<>(
          "signet.billing.period-totals.v1",
          Serdes.String(),
          JsonSerde.of(PeriodTotal.class),
          true);

  /**
   * Usage of an hour that arrived after the hour was final; keyed by {@code tenant@windowStart}.
   * Adjustments add to the hour's final total.
   */
  public static final Topic<String, UsageAdjustment> BILLING_USAGE_ADJUSTMENTS =
      new Topic<>(
          "signet.billing.usage-adjustments.v1",
          Serdes.String(),
          JsonSerde.of(UsageAdjustment.class),
          false);

  /** Overage charges, one per increment and band; keyed by tenant. Charges add. */
  public static final Topic<String, OverageCharge> BILLING_OVERAGE =
      new Topic<>(
          "signet.billing.overage.v1", Serdes.String(), JsonSerde.of(OverageCharge.class), false);

  /** What happened to each charge at Stripe; keyed by charge id, latest record is its state. */
  public static final Topic<String, StripePush> BILLING_STRIPE_PUSHES =
      new Topic<>(
          "signet.billing.stripe-pushes.v1",
          Serdes.String(),
          JsonSerde.of(StripePush.class),
          false);

  /**
   * Charges Stripe did not accept after every retry, as their {@link OverageCharge}, with the
   * reason in {@code x-signet-error}; keyed by charge id.
   */
  public static final Topic<String, OverageCharge> BILLING_STRIPE_DLQ =
      new Topic<>(
          "signet.billing.stripe-dlq.v1",
          Serdes.String(),
          JsonSerde.of(OverageCharge.class),
          false);

  /** Reserved capacity in force per tenant; keyed by tenant, compacted to the latest change. */
  public static final Topic<String, ReservedConfigChange> BILLING_RESERVED_CONFIG =
      new Topic<>(
          "signet.billing.reserved-config.v1",
          Serdes.String(),
          JsonSerde.of(ReservedConfigChange.class),
          true);

  /** Every change of reserved capacity ever published, kept forever; keyed by tenant. */
  public static final Topic<String, ReservedConfigChange> BILLING_RESERVED_CONFIG_AUDIT =
      new Topic<>(
          "signet.billing.reserved-config-audit.v1",
          Serdes.String(),
          JsonSerde.of(ReservedConfigChange.class),
          false,
          true);

  private Topics() {}

  /**
   * The requests topic and every topic keyed by trace that must have exactly its partition count:
   * the processor reads a trace's repair and forward outcomes on the partition its request came
   * from. Adding partitions to any of them moves traces away from their state.
   */
  public static List<Topic<?, ?>> partitionedLikeRequests() {
    return List.of(
        EXCHANGE_REQUESTS,
        EXCHANGE_REPAIR_REQUESTS,
        EXCHANGE_REPAIR_OUTCOMES,
        EXCHANGE_FORWARD_REQUESTS,
        EXCHANGE_FORWARD_OUTCOMES);
  }

  public static List<Topic<?, ?>> all() {
    return List.of(
        EXCHANGE_REQUESTS,
        EXCHANGE_RESULTS,
        EXCHANGE_REPLIES,
        EXCHANGE_REPLIES_SETTLED,
        RECEIPTS,
        EXCHANGE_DLQ,
        EXCHANGE_REPAIR_REQUESTS,
        EXCHANGE_REPAIR_OUTCOMES,
        EXCHANGE_FU_CHARGES,
        EXCHANGE_FORWARD_REQUESTS,
        EXCHANGE_FORWARD_OUTCOMES,
        BILLING_USAGE_HOURLY,
        BILLING_PERIOD_TOTALS,
        BILLING_USAGE_ADJUSTMENTS,
        BILLING_OVERAGE,
        BILLING_STRIPE_PUSHES,
        BILLING_STRIPE_DLQ,
        BILLING_RESERVED_CONFIG,
        BILLING_RESERVED_CONFIG_AUDIT);
  }
}
