package dev.signet.processor;

/** Sizes every record the processor writes must stay under. */
final class OutputLimits {

  /**
   * Below the broker's default {@code message.max.bytes} (1,048,588) and the producer's default
   * {@code max.request.size} (1,048,576), with room for headers and batch overhead: a larger record
   * would be refused at send time, after the state it goes with was already updated.
   */
  static final int MAX_RECORD_BYTES = 1_000_000;

  /** An idempotency entry is its result plus a request hash and a timestamp: well under this. */
  static final int ENTRY_OVERHEAD_BYTES = 256;

  private OutputLimits() {}
}
