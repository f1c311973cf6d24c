package dev.signet.billing;

import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.Receipt;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The topology's adapter over {@link ReceiptOrigin}: forwards authentic receipts, drops every other
 * record with an ERROR log and {@code signet_billing_receipts_rejected_total{reason}}. A processor
 * rather than a filter because the MAC is in the record's headers.
 */
final class AuthenticateReceipts implements FixedKeyProcessor<String, byte[], Receipt> {

  static final String REJECTED = "signet.billing.receipts.rejected";

  private final ReceiptOrigin origin;
  private final RefusedRecords refusals;
  private FixedKeyProcessorContext<String, Receipt> context;

  AuthenticateReceipts(ReceiptOrigin origin, MeterRegistry registry) {
    this.origin = Objects.requireNonNull(origin, "origin");
    this.refusals = refusals(registry, AuthenticateReceipts.class);
  }

  /**
   * How a receipt that is not billed is reported: {@value #REJECTED}{reason} and an ERROR log of
   * {@code source}, shared by every stage that drops receipts.
   */
  static RefusedRecords refusals(MeterRegistry registry, Class<?> source) {
    return new RefusedRecords(
        registry,
        REJECTED,
        "Records of the receipt topic not billed because they are not authentic receipts",
        source,
        "Not billing record");
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Receipt> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    ReceiptOrigin.Outcome outcome =
        origin.check(
            record.value(), SignetHeaders.text(record.headers(), SignetHeaders.RECEIPT_MAC));
    if (outcome instanceof ReceiptOrigin.Authentic authentic) {
      context.forward(record.withValue(authentic.receipt()));
    } else if (outcome instanceof ReceiptOrigin.Refused refused) {
      refusals.refuse(context, record.key(), refused.reason(), refused.detail());
    }
  }
}
