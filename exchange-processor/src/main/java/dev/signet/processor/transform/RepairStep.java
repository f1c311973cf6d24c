package dev.signet.processor.transform;

/**
 * The rung of the repair ladder that produced a payload's embedded document. Each exchange records
 * it so a receipt (policy) or a metric can say whether the document was read as sent or repaired.
 *
 * <p>The ladder: strict parse, then tolerant parse, then the model ({@link Outcome.NeedsModel}),
 * which runs in the repair worker, never on a stream thread.
 */
public enum RepairStep {
  /** Strict JSON, read as sent. */
  NONE("none"),
  /** Read by the parser's leniency features, possibly after removing one markdown code fence. */
  TOLERANT_PARSE("tolerant_parse"),
  /** Rewritten by the model from text no parser rung read, or that failed its schema. */
  LLM_FALLBACK("llm_fallback");

  private final String label;

  RepairStep(String label) {
    this.label = label;
  }

  /** The stable name for receipts, results and metric tags. */
  public String label() {
    return label;
  }
}
