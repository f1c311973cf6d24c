package dev.signet.processor.transform;

/**
 * The rung of the repair ladder that produced a payload's embedded document. Each exchange records
 * it so a receipt (policy) or a metric can say whether the document was read as sent or repaired.
 *
 * <p>The ladder so far: strict parse, then tolerant parse. The LLM fallback (issue 9, item 4) adds
 * the next rung here, entered from {@link EmbeddedParse.Unrepairable}, never on a stream thread.
 */
public enum RepairStep {
  /** Strict JSON, read as sent. */
  NONE("none"),
  /** Read by the parser's leniency features, possibly after removing one markdown code fence. */
  TOLERANT_PARSE("tolerant_parse");

  private final String label;

  RepairStep(String label) {
    this.label = label;
  }

  /** The stable name for receipts, results and metric tags. */
  public String label() {
    return label;
  }
}
