package dev.signet.processor.chain;

import java.util.Objects;

/** The last receipt of a trace: what the next hop links to. Kept per trace in a state store. */
public record ChainHead(String tenant, int hop, String receiptHash, String ts) {

  public ChainHead {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(receiptHash, "receiptHash");
    Objects.requireNonNull(ts, "ts");
  }
}
