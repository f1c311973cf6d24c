package dev.signet.store.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.OptionalInt;

/**
 * One page of a stored chain, in hop order.
 *
 * @param receipts the receipts of the page, each parsed from its exact stored JSON
 * @param nextAfterHop the {@code after_hop} that reads the next page, present only when more hops
 *     are stored
 */
public record ChainPage(List<JsonNode> receipts, OptionalInt nextAfterHop) {

  public ChainPage {
    receipts = List.copyOf(receipts);
    if (nextAfterHop.isPresent() && receipts.isEmpty()) {
      throw new IllegalArgumentException("an empty page has no next page");
    }
  }
}
