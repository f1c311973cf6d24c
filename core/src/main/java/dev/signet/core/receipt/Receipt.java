package dev.signet.core.receipt;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * An SR-1 receipt. {@code prev_receipt_hash} is always written (null on hop 1) because it is part
 * of the hashed form; the optional extended fields are written, and hashed, only when set.
 */
@JsonPropertyOrder({
  "trace_id",
  "hop",
  "ts",
  "tenant",
  "cid",
  "canon",
  "algo",
  "prev_receipt_hash",
  "policy",
  "payload_type",
  "target_type",
  "forwarded",
  "fallback_used",
  "fu_tokens",
  "repair",
  "receipt_hash",
  "signature"
})
public record Receipt(
    String traceId,
    int hop,
    String ts,
    String tenant,
    String cid,
    String canon,
    String algo,
    @JsonInclude(JsonInclude.Include.ALWAYS) String prevReceiptHash,
    Policy policy,
    String payloadType,
    String targetType,
    Forwarded forwarded,
    Boolean fallbackUsed,
    Long fuTokens,
    Repair repair,
    String receiptHash,
    ReceiptSignature signature) {

  public static final String ALGO = "sha256";
  public static final int MAX_HOPS = 1000;

  /** A receipt whose document needed no repair. */
  public Receipt(
      String traceId,
      int hop,
      String ts,
      String tenant,
      String cid,
      String canon,
      String algo,
      String prevReceiptHash,
      Policy policy,
      String payloadType,
      String targetType,
      Forwarded forwarded,
      Boolean fallbackUsed,
      Long fuTokens,
      String receiptHash,
      ReceiptSignature signature) {
    this(
        traceId,
        hop,
        ts,
        tenant,
        cid,
        canon,
        algo,
        prevReceiptHash,
        policy,
        payloadType,
        targetType,
        forwarded,
        fallbackUsed,
        fuTokens,
        null,
        receiptHash,
        signature);
  }

  public Receipt {
    Objects.requireNonNull(traceId, "trace_id");
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(cid, "cid");
    Objects.requireNonNull(canon, "canon");
    Objects.requireNonNull(algo, "algo");
    Objects.requireNonNull(policy, "policy");
    if (hop < 1 || hop > MAX_HOPS) {
      throw new IllegalArgumentException("hop must be within 1.." + MAX_HOPS + ", got " + hop);
    }
    if ((hop == 1) != (prevReceiptHash == null)) {
      throw new IllegalArgumentException("prev_receipt_hash is null exactly on hop 1");
    }
  }

  Receipt sealed(String hash, ReceiptSignature sig) {
    return new Receipt(
        traceId,
        hop,
        ts,
        tenant,
        cid,
        canon,
        algo,
        prevReceiptHash,
        policy,
        payloadType,
        targetType,
        forwarded,
        fallbackUsed,
        fuTokens,
        repair,
        hash,
        sig);
  }

  /**
   * The FU tokens this receipt bills: {@link #fuTokens()}, or 0 when the receipt carries none. (VEx
   * are not counted here: every receipt bills exactly one.)
   */
  public long fuTokensOrZero() {
    return fuTokens == null ? 0 : fuTokens;
  }
}
