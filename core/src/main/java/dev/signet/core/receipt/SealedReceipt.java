package dev.signet.core.receipt;

import dev.signet.core.json.RawJson;
import java.util.Objects;

/**
 * A sealed receipt and its JSON, produced together by {@link ReceiptIssuer#issue}: the same bytes
 * go to the receipts topic (and its MAC) and into the result, so the receipt is serialised once.
 */
public record SealedReceipt(Receipt receipt, RawJson json) {

  public SealedReceipt {
    Objects.requireNonNull(receipt, "receipt");
    Objects.requireNonNull(json, "json");
  }
}
