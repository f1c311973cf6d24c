package dev.signet.store;

import dev.signet.core.receipt.Verification;

/**
 * Why a record on the receipt topic was quarantined instead of stored: a stable code, stored in
 * {@code receipt_quarantine.reason} and used as the {@code reason} tag of {@code
 * signet_store_receipts_quarantined_total}.
 */
enum QuarantineReason {
  /** No {@code x-signet-receipt-mac} header: not written by Signet's processor. */
  MAC_MISSING,
  /** The MAC does not match the value bytes: forged, or altered after the processor wrote it. */
  MAC_INVALID,
  /** Not a receipt: a tombstone, not UTF-8 or JSON, missing or ill-typed fields. */
  NOT_A_RECEIPT,
  /** {@code cid} or {@code receipt_hash} does not match the content. */
  HASH_INVALID,
  /** No signature, while the store verifies signatures. */
  SIGNATURE_MISSING,
  /** The Ed25519 signature does not verify with the key its kid names. */
  SIGNATURE_INVALID,
  /** Signed with a kid that is neither the active nor a retired key. */
  UNKNOWN_KID;

  static QuarantineReason of(Verification.Check check) {
    return switch (check) {
      case CID_MISMATCH, RECEIPT_HASH_MISMATCH -> HASH_INVALID;
      case SIGNATURE_MISSING -> SIGNATURE_MISSING;
      case SIGNATURE_ALG_UNSUPPORTED, SIGNATURE_INVALID, SIGNATURE_MALFORMED -> SIGNATURE_INVALID;
      case KID_UNKNOWN -> UNKNOWN_KID;
      default -> NOT_A_RECEIPT;
    };
  }
}
