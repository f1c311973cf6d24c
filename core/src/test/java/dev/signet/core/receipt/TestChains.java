package dev.signet.core.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Builds signed chains through {@link ReceiptIssuer}, the way the processor does. */
public final class TestChains {

  public static final Instant START = Instant.parse("2025-01-27T12:00:00.123Z");

  private TestChains() {}

  /** A chain of {@code canons.size()} hops; hop n is signed with {@code keys.get(n-1)}. */
  public static List<JsonNode> chain(
      String traceId, String tenant, List<String> canons, List<SigningKey> keys) {
    if (canons.size() != keys.size()) {
      throw new IllegalArgumentException("one key per hop");
    }
    List<JsonNode> chain = new ArrayList<>();
    String prev = null;
    for (int i = 0; i < canons.size(); i++) {
      Receipt receipt =
          new ReceiptIssuer(keys.get(i))
              .seal(unsealed(traceId, i + 1, tenant, canons.get(i), prev));
      prev = receipt.receiptHash();
      chain.add(Json.tree(receipt));
    }
    return chain;
  }

  public static List<JsonNode> chain(String traceId, List<String> canons, SigningKey key) {
    return chain(traceId, "acme", canons, Collections.nCopies(canons.size(), key));
  }

  public static List<JsonNode> chain(int hops, SigningKey key) {
    List<String> canons = new ArrayList<>();
    for (int i = 1; i <= hops; i++) {
      canons.add(
          Canonical.canonicalize(
              "{\"invoice_id\":\"INV-" + i + "\",\"amount\":" + (i * 100) + "}"));
    }
    return chain("trace-" + hops, canons, key);
  }

  public static Receipt unsealed(
      String traceId, int hop, String tenant, String canon, String prev) {
    return new Receipt(
        traceId,
        hop,
        ReceiptTimestamps.format(START.plus(Duration.ofMillis(250L * hop))),
        tenant,
        ReceiptIssuer.contentId(canon),
        canon,
        Receipt.ALGO,
        prev,
        Policy.allowed("ok"),
        "invoice.v1",
        "invoice.v1",
        null,
        null,
        null,
        null,
        null);
  }

  /** Deep, mutable copies, so a test can tamper with one chain and keep another intact. */
  public static List<JsonNode> copy(List<JsonNode> chain) {
    List<JsonNode> copy = new ArrayList<>(chain.size());
    chain.forEach(receipt -> copy.add(receipt.deepCopy()));
    return copy;
  }

  public static ObjectNode at(List<JsonNode> chain, int index) {
    return (ObjectNode) chain.get(index);
  }
}
