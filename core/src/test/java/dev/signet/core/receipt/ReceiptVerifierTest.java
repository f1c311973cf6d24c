package dev.signet.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Verification.Check;
import dev.signet.core.receipt.Verification.Invalid;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiptVerifierTest {

  private final SigningKey key = new SigningKey("k1", ChainPropertiesTest.seed(0x66));
  private final ReceiptVerifier verifier =
      ReceiptVerifier.withKeys(Jwks.of(key.publicKey(), List.of()));

  @Test
  void shouldRejectAnEmptyChain() {
    assertCheck(verifier.verifyChain(List.of()), Check.CHAIN_EMPTY, -1);
  }

  @Test
  void shouldRejectAChainOfMoreThanAThousandReceipts() {
    List<JsonNode> chain =
        new ArrayList<>(Collections.nCopies(Receipt.MAX_HOPS + 1, TestChains.chain(1, key).get(0)));

    assertCheck(verifier.verifyChain(chain), Check.CHAIN_TOO_LONG, -1);
  }

  @Test
  void shouldVerifyAChainOfExactlyAThousandReceipts() {
    assertThat(verifier.verifyChain(TestChains.chain(Receipt.MAX_HOPS, key)))
        .isEqualTo(new Verification.Valid(1000));
  }

  @Test
  void shouldRejectAChainWhoseTraceChanges() {
    List<JsonNode> chain = new ArrayList<>(TestChains.chain("trace-a", List.of("{}", "{}"), key));
    List<JsonNode> other = TestChains.chain("trace-b", List.of("{}", "{}"), key);
    chain.set(1, relinked(other.get(1), chain.get(0)));

    assertCheck(verifier.verifyChain(chain), Check.TRACE_MISMATCH, 1);
  }

  @Test
  void shouldRejectAChainWhoseTenantChanges() {
    List<JsonNode> chain =
        TestChains.chain("trace-a", "acme", List.of("{}", "{}"), List.of(key, key));
    List<JsonNode> other =
        TestChains.chain("trace-a", "globex", List.of("{}", "{}"), List.of(key, key));
    chain.set(1, relinked(other.get(1), chain.get(0)));

    assertCheck(verifier.verifyChain(chain), Check.TENANT_MISMATCH, 1);
  }

  @Test
  void shouldRejectTimestampsThatGoBackwards() {
    Receipt first = new ReceiptIssuer(key).seal(TestChains.unsealed("t", 1, "acme", "{}", null));
    Receipt second =
        new ReceiptIssuer(key)
            .seal(
                withTs(
                    TestChains.unsealed("t", 2, "acme", "{}", first.receiptHash()),
                    "2025-01-27T11:59:59.999Z"));

    assertCheck(
        verifier.verifyChain(List.of(Json.tree(first), Json.tree(second))), Check.TS_BACKWARDS, 1);
  }

  @Test
  void shouldRejectAFirstReceiptThatPointsBackwards() {
    List<JsonNode> chain = TestChains.chain(3, key);

    assertCheck(verifier.verifyChain(chain.subList(1, 3)), Check.HOP_NOT_CONSECUTIVE, 0);
  }

  @Test
  void shouldRejectAnythingButAnObject() {
    assertCheck(verifier.verifyReceipt(Json.parse("[1,2]")), Check.MALFORMED, 0);
    assertCheck(verifier.verifyReceipt(Json.parse("\"receipt\"")), Check.MALFORMED, 0);
  }

  @Test
  void shouldRejectAnUnparseableTimestamp() {
    ObjectNode receipt = (ObjectNode) TestChains.chain(1, key).get(0);
    receipt.put("ts", "yesterday");

    assertCheck(verifier.verifyReceipt(receipt), Check.TS_MALFORMED, 0);
  }

  @Test
  void shouldDescribeTheFailingReceiptAndHop() {
    List<JsonNode> chain = TestChains.chain(3, key);
    TestChains.at(chain, 1).put("canon", "{}");

    Invalid invalid = (Invalid) verifier.verifyChain(chain);

    assertThat(invalid.describe()).startsWith("receipt #2 (hop 2): CID_MISMATCH: ");
  }

  @Test
  void shouldIgnoreSignaturesWhenCheckingHashesOnly() {
    List<JsonNode> chain = TestChains.chain(3, key);
    ((ObjectNode) chain.get(1).get("signature")).put("sig", "AAAA");

    assertThat(ReceiptVerifier.hashesOnly().verifyChain(chain))
        .isEqualTo(new Verification.Valid(3));
    assertCheck(verifier.verifyChain(chain), Check.SIGNATURE_INVALID, 1);
  }

  @Test
  void shouldReportAReceiptThatCannotBeCanonicalisedInsteadOfThrowing() {
    ObjectNode receipt = (ObjectNode) TestChains.chain(1, key).get(0);
    receipt.set("fu_tokens", Json.parse("1e400"));

    assertCheck(verifier.verifyReceipt(receipt), Check.MALFORMED, 0);
  }

  @Test
  void shouldNotLetALoneSurrogateStandInForTheCharacterThatUtf8EncodingSubstitutes() {
    // Java encodes a lone surrogate as '?', so without RFC 8785's rejection a receipt that says
    // U+D800 would verify under the hash of one that says "?".
    ObjectNode receipt = (ObjectNode) TestChains.chain(1, key).get(0);
    String canon = receipt.get("canon").asText();
    ObjectNode question =
        (ObjectNode) Json.parse(Json.toText(TestChains.chain("t?", List.of(canon), key).get(0)));
    ObjectNode lone = question.deepCopy();
    lone.put("trace_id", "t" + (char) 0xD800);

    assertThat(verifier.verifyReceipt(question)).isEqualTo(new Verification.Valid(1));
    assertCheck(verifier.verifyReceipt(lone), Check.MALFORMED, 0);
  }

  private static JsonNode relinked(JsonNode receipt, JsonNode previous) {
    // Re-seal a receipt from elsewhere so its own hash holds and it links to `previous`.
    Receipt parsed = Json.convert(receipt, Receipt.class);
    Receipt unsealed =
        new Receipt(
            parsed.traceId(),
            parsed.hop(),
            parsed.ts(),
            parsed.tenant(),
            parsed.cid(),
            parsed.canon(),
            parsed.algo(),
            previous.get("receipt_hash").asText(),
            parsed.policy(),
            parsed.payloadType(),
            parsed.targetType(),
            parsed.forwarded(),
            parsed.fallbackUsed(),
            parsed.fuTokens(),
            null,
            null);
    return Json.tree(
        new ReceiptIssuer(new SigningKey("k1", ChainPropertiesTest.seed(0x66))).seal(unsealed));
  }

  private static Receipt withTs(Receipt r, String ts) {
    return new Receipt(
        r.traceId(),
        r.hop(),
        ts,
        r.tenant(),
        r.cid(),
        r.canon(),
        r.algo(),
        r.prevReceiptHash(),
        r.policy(),
        r.payloadType(),
        r.targetType(),
        r.forwarded(),
        r.fallbackUsed(),
        r.fuTokens(),
        null,
        null);
  }

  private static void assertCheck(Verification result, Check check, int index) {
    assertThat(result)
        .isInstanceOfSatisfying(
            Invalid.class,
            invalid -> {
              assertThat(invalid.check()).as(invalid.describe()).isEqualTo(check);
              assertThat(invalid.index()).as(invalid.describe()).isEqualTo(index);
            });
  }
}
