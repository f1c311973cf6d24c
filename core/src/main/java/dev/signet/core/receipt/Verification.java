package dev.signet.core.receipt;

/** The outcome of verifying a receipt, a chain or a bundle. */
public sealed interface Verification {

  boolean valid();

  /** Every check passed. */
  record Valid(int receipts) implements Verification {
    @Override
    public boolean valid() {
      return true;
    }
  }

  /**
   * A check failed. {@code index} is the 0-based position in the chain (-1 for the bundle itself),
   * {@code hop} the hop the receipt claims (or -1), {@code check} a stable code.
   */
  record Invalid(int index, int hop, Check check, String detail) implements Verification {
    @Override
    public boolean valid() {
      return false;
    }

    public String describe() {
      String where =
          index < 0 ? "bundle" : "receipt #" + (index + 1) + (hop > 0 ? " (hop " + hop + ")" : "");
      return where + ": " + check + ": " + detail;
    }
  }

  /** The checks, in the order they run. */
  enum Check {
    MALFORMED,
    /** {@code hop} is not a JSON integer within 1..{@value Receipt#MAX_HOPS}. */
    HOP_MALFORMED,
    /**
     * {@code ts} is not {@code YYYY-MM-DDTHH:MM:SS[.sss]Z}, or not a real UTC instant in that form.
     */
    TS_MALFORMED,
    ALGO_UNSUPPORTED,
    CID_MISMATCH,
    RECEIPT_HASH_MISMATCH,
    SIGNATURE_MISSING,
    SIGNATURE_ALG_UNSUPPORTED,
    /**
     * A signature that is not a string of unpadded, canonical base64url (or a kid not a string).
     */
    SIGNATURE_MALFORMED,
    KID_UNKNOWN,
    SIGNATURE_INVALID,
    CHAIN_EMPTY,
    CHAIN_TOO_LONG,
    TRACE_MISMATCH,
    TENANT_MISMATCH,
    HOP_NOT_CONSECUTIVE,
    PREV_HASH_MISMATCH,
    TS_BACKWARDS,
    BUNDLE_CID_MISMATCH,
    BUNDLE_SIGNATURE_INVALID
  }
}
