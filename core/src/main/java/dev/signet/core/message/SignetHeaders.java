package dev.signet.core.message;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Kafka record headers of the requests and results topics. */
public final class SignetHeaders {

  /** The producer's API key; the processor authenticates every record with it. */
  public static final String API_KEY = "x-signet-api-key";

  /** Optional for async producers, always set by ingress. */
  public static final String IDEMPOTENCY_KEY = "x-signet-idempotency-key";

  /** Set by ingress, copied onto the result so the waiting HTTP request can be found. */
  public static final String CORRELATION_ID = "x-signet-correlation-id";

  /** Milliseconds since the epoch at which ingress accepted the request. */
  public static final String ACCEPTED_AT = "x-signet-accepted-at";

  /** On {@code signet.receipts.v1}: the processor's MAC of the record value (see ReceiptMac). */
  public static final String RECEIPT_MAC = "x-signet-receipt-mac";

  /**
   * HMAC-SHA256 of the value of a billing record Signet acts on (reserved-config changes, overage
   * charges), under the server secret: see {@link dev.signet.core.crypto.RecordMac}.
   */
  public static final String RECORD_MAC = "x-signet-record-mac";

  /** On a re-routed request: the partition it first landed on (see TraceRouting). */
  public static final String REROUTED_FROM = "x-signet-rerouted-from";

  /**
   * On the requests topic: a slow stage's recorded outcome ({@code repair} or {@code forward}),
   * copied there by the processor with the worker's MAC so that it is read in the same order as the
   * trace's requests (see the exchange topology). Never set by producers; a record carrying it
   * without a valid MAC is dropped.
   */
  public static final String STAGE_OUTCOME = "x-signet-stage-outcome";

  /**
   * On the requests topic: a control record of the processor, not a request; its value is {@code
   * api-keys/v1}, the API key table the processor announces (see KeyTableRecords), MAC'd under the
   * server secret in {@link #RECORD_MAC}. Never set by producers; one without a valid MAC is
   * dropped.
   */
  public static final String CONTROL = "x-signet-control";

  /** On the dead-letter topic: the stable code and the reason the record was parked. */
  public static final String ERROR_CODE = "x-signet-error-code";

  public static final String ERROR = "x-signet-error";

  /** On the dead-letter topic: where the original record was read. */
  public static final String SOURCE_PARTITION = "x-signet-source-partition";

  public static final String SOURCE_OFFSET = "x-signet-source-offset";

  /** On the dead-letter topic: the original size, when only the first bytes were kept. */
  public static final String TRUNCATED_FROM = "x-signet-truncated-from";

  private SignetHeaders() {}

  public static String text(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  public static void put(Headers headers, String name, String value) {
    headers.remove(name);
    if (value != null) {
      headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
