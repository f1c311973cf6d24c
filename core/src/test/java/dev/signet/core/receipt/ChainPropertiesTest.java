package dev.signet.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.receipt.Verification.Check;
import dev.signet.core.receipt.Verification.Invalid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Property tests over random chains of 1..20 hops. Each repetition draws from a Random seeded with
 * {@code BASE_SEED + repetition}, so a failure names the seed that reproduces it.
 *
 * <p>Written with JUnit's {@code @RepeatedTest} rather than jqwik: jqwik 1.10's maintainers ask
 * that it not be used by AI coding agents, and this suite was written by one.
 */
class ChainPropertiesTest {

  private static final long BASE_SEED = 0x5169_4e37_2025L;
  private static final int TRIES = 100;

  private static final SigningKey KEY = new SigningKey("key-a", seed(0x0a));
  private static final SigningKey OTHER = new SigningKey("key-b", seed(0x0b));
  private static final Jwks JWKS = Jwks.of(KEY.publicKey(), List.of(OTHER.publicKey()));
  private static final ReceiptVerifier VERIFIER = ReceiptVerifier.withKeys(JWKS);

  /** One change to one field of one receipt, and the check that must catch it. */
  enum FieldChange {
    TRACE_ID(
        Check.RECEIPT_HASH_MISMATCH,
        (r, rnd) -> r.put("trace_id", r.get("trace_id").asText() + "x")),
    HOP(
        Check.RECEIPT_HASH_MISMATCH,
        (r, rnd) -> r.put("hop", r.get("hop").asInt() + 1 + rnd.nextInt(50))),
    TS(
        Check.RECEIPT_HASH_MISMATCH,
        (r, rnd) ->
            r.put(
                "ts",
                ReceiptTimestamps.format(
                    Instant.parse(r.get("ts").asText()).plusMillis(1 + rnd.nextInt(100))))),
    TENANT(Check.RECEIPT_HASH_MISMATCH, (r, rnd) -> r.put("tenant", "other-tenant")),
    CID(Check.CID_MISMATCH, (r, rnd) -> r.put("cid", Hashes.sha256(r.get("canon").asText() + " "))),
    CANON(Check.CID_MISMATCH, (r, rnd) -> r.put("canon", r.get("canon").asText() + " ")),
    ALGO(Check.ALGO_UNSUPPORTED, (r, rnd) -> r.put("algo", "sha512")),
    PREV_RECEIPT_HASH(
        Check.RECEIPT_HASH_MISMATCH,
        (r, rnd) -> r.put("prev_receipt_hash", Hashes.sha256("elsewhere"))),
    POLICY_ALLOWED(
        Check.RECEIPT_HASH_MISMATCH,
        (r, rnd) ->
            ((ObjectNode) r.get("policy"))
                .put("allowed", !r.get("policy").get("allowed").asBoolean())),
    POLICY_REASON(
        Check.RECEIPT_HASH_MISMATCH,
        (r, rnd) -> ((ObjectNode) r.get("policy")).put("reason", "HEL_DENIED")),
    PAYLOAD_TYPE(Check.RECEIPT_HASH_MISMATCH, (r, rnd) -> r.put("payload_type", "invoice.v2")),
    ADDED_FIELD(Check.RECEIPT_HASH_MISMATCH, (r, rnd) -> r.put("fu_tokens", 1 + rnd.nextInt(1000))),
    REMOVED_OPTIONAL_FIELD(Check.RECEIPT_HASH_MISMATCH, (r, rnd) -> r.remove("target_type")),
    REMOVED_REQUIRED_FIELD(Check.MALFORMED, (r, rnd) -> r.remove("tenant")),
    RECEIPT_HASH(
        Check.RECEIPT_HASH_MISMATCH, (r, rnd) -> r.put("receipt_hash", Hashes.sha256("forged"))),
    SIGNATURE_VALUE(
        Check.SIGNATURE_INVALID,
        (r, rnd) -> sig(r).put("sig", KEY.signText(Hashes.sha256("forged")))),
    SIGNATURE_BY_OTHER_KEY(
        Check.SIGNATURE_INVALID,
        (r, rnd) -> sig(r).put("sig", OTHER.signText(r.get("receipt_hash").asText()))),
    SIGNATURE_KID_UNKNOWN(Check.KID_UNKNOWN, (r, rnd) -> sig(r).put("kid", "key-z")),
    SIGNATURE_KID_SWAPPED(Check.SIGNATURE_INVALID, (r, rnd) -> sig(r).put("kid", OTHER.kid())),
    SIGNATURE_ALG(Check.SIGNATURE_ALG_UNSUPPORTED, (r, rnd) -> sig(r).put("alg", "ES256")),
    SIGNATURE_REMOVED(Check.SIGNATURE_MISSING, (r, rnd) -> r.remove("signature"));

    final Check expected;
    final BiConsumer<ObjectNode, Random> change;

    FieldChange(Check expected, BiConsumer<ObjectNode, Random> change) {
      this.expected = expected;
      this.change = change;
    }

    private static ObjectNode sig(ObjectNode receipt) {
      return (ObjectNode) receipt.get("signature");
    }
  }

  @RepeatedTest(TRIES)
  void shouldVerifyEveryUntouchedChain(RepetitionInfo repetition) {
    Random random = random(repetition);
    List<JsonNode> chain = randomChain(random);

    assertThat(VERIFIER.verifyChain(chain))
        .as(seedOf(repetition))
        .isEqualTo(new Verification.Valid(chain.size()));
    assertThat(ReceiptVerifier.hashesOnly().verifyChain(chain))
        .isEqualTo(new Verification.Valid(chain.size()));
    for (JsonNode receipt : chain) {
      assertThat(VERIFIER.verifyReceipt(receipt)).isEqualTo(new Verification.Valid(1));
    }
  }

  @RepeatedTest(TRIES)
  void shouldVerifyChainsSignedByAnyKeyOfTheJwks(RepetitionInfo repetition) {
    Random random = random(repetition);
    List<String> canons = RandomChains.canons(random, 1, 20);
    List<SigningKey> keys = new ArrayList<>();
    canons.forEach(c -> keys.add(random.nextBoolean() ? KEY : OTHER));

    List<JsonNode> chain = TestChains.chain("t-" + random.nextInt(), "acme", canons, keys);

    assertThat(VERIFIER.verifyChain(chain))
        .as(seedOf(repetition))
        .isEqualTo(new Verification.Valid(chain.size()));
  }

  @RepeatedTest(TRIES)
  void shouldReportTheChangedFieldOfAnyReceipt(RepetitionInfo repetition) {
    Random random = random(repetition);
    List<JsonNode> chain = randomChain(random);
    int index = random.nextInt(chain.size());
    FieldChange change = FieldChange.values()[random.nextInt(FieldChange.values().length)];

    change.change.accept(TestChains.at(chain, index), random);

    assertInvalid(
        chain, change.expected, index, seedOf(repetition) + " " + change + " at #" + index);
  }

  @RepeatedTest(TRIES)
  void shouldReportEveryKindOfFieldChange(RepetitionInfo repetition) {
    Random random = random(repetition);
    List<JsonNode> original = randomChain(random);
    for (FieldChange change : FieldChange.values()) {
      List<JsonNode> chain = TestChains.copy(original);
      int index = random.nextInt(chain.size());

      change.change.accept(TestChains.at(chain, index), random);

      assertInvalid(
          chain, change.expected, index, seedOf(repetition) + " " + change + " at #" + index);
    }
  }

  @RepeatedTest(TRIES)
  void shouldReportAnyCodePointChangeInCanon(RepetitionInfo repetition) {
    Random random = random(repetition);
    List<JsonNode> chain = randomChain(random);
    int index = random.nextInt(chain.size());
    ObjectNode receipt = TestChains.at(chain, index);

    receipt.put("canon", RandomChains.flipOneCodePoint(receipt.get("canon").asText(), random));

    assertInvalid(chain, Check.CID_MISMATCH, index, seedOf(repetition));
  }

  @RepeatedTest(TRIES)
  void shouldReportReorderedReceipts(RepetitionInfo repetition) {
    Random random = random(repetition);
    List<JsonNode> chain = randomChain(random, 2);
    int i = random.nextInt(chain.size());
    int j = (i + 1 + random.nextInt(chain.size() - 1)) % chain.size();

    Collections.swap(chain, i, j);

    assertInvalid(
        chain,
        Check.HOP_NOT_CONSECUTIVE,
        Math.min(i, j),
        seedOf(repetition) + " swap " + i + "," + j);
  }

  @RepeatedTest(TRIES)
  void shouldReportAReversedChain(RepetitionInfo repetition) {
    List<JsonNode> chain = randomChain(random(repetition), 2);

    Collections.reverse(chain);

    assertInvalid(chain, Check.HOP_NOT_CONSECUTIVE, 0, seedOf(repetition));
  }

  @RepeatedTest(TRIES)
  void shouldReportADroppedReceiptBeforeTheLast(RepetitionInfo repetition) {
    Random random = random(repetition);
    List<JsonNode> chain = randomChain(random, 2);
    int dropped = random.nextInt(chain.size() - 1);

    chain.remove(dropped);

    assertInvalid(
        chain, Check.HOP_NOT_CONSECUTIVE, dropped, seedOf(repetition) + " dropped #" + dropped);
  }

  /** A prefix is itself a valid chain: only a signed export bundle proves where a chain ends. */
  @RepeatedTest(TRIES)
  void shouldAcceptAChainTruncatedAfterAnyHop(RepetitionInfo repetition) {
    Random random = random(repetition);
    List<JsonNode> chain = randomChain(random, 2);
    int kept = 1 + random.nextInt(chain.size() - 1);

    List<JsonNode> prefix = new ArrayList<>(chain.subList(0, kept));

    assertThat(VERIFIER.verifyChain(prefix))
        .as(seedOf(repetition))
        .isEqualTo(new Verification.Valid(kept));
  }

  @RepeatedTest(TRIES)
  void shouldReportADuplicatedReceipt(RepetitionInfo repetition) {
    Random random = random(repetition);
    List<JsonNode> chain = randomChain(random);
    int duplicated = random.nextInt(chain.size());

    chain.add(duplicated + 1, chain.get(duplicated).deepCopy());

    assertInvalid(
        chain,
        Check.HOP_NOT_CONSECUTIVE,
        duplicated + 1,
        seedOf(repetition) + " duplicated #" + duplicated);
  }

  @RepeatedTest(TRIES)
  void shouldReportSwappedSignatures(RepetitionInfo repetition) {
    Random random = random(repetition);
    List<JsonNode> chain = randomChain(random, 2);
    int i = random.nextInt(chain.size());
    int j = (i + 1 + random.nextInt(chain.size() - 1)) % chain.size();
    JsonNode signatureI = chain.get(i).get("signature");

    TestChains.at(chain, i).set("signature", chain.get(j).get("signature"));
    TestChains.at(chain, j).set("signature", signatureI);

    assertInvalid(
        chain,
        Check.SIGNATURE_INVALID,
        Math.min(i, j),
        seedOf(repetition) + " swap " + i + "," + j);
  }

  @RepeatedTest(TRIES)
  void shouldReportAReceiptSplicedFromAnotherChainOfTheSameTrace(RepetitionInfo repetition) {
    Random random = random(repetition);
    List<String> canons = RandomChains.canons(random, 2, 20);
    List<JsonNode> chain = TestChains.chain("t-1", canons, KEY);
    List<String> otherCanons = new ArrayList<>(canons);
    int index = 1 + random.nextInt(canons.size() - 1);
    otherCanons.set(index - 1, canons.get(index - 1) + " ");
    List<JsonNode> fork = TestChains.chain("t-1", otherCanons, KEY);

    chain.set(index, fork.get(index));

    assertInvalid(
        chain, Check.PREV_HASH_MISMATCH, index, seedOf(repetition) + " spliced #" + index);
  }

  private static void assertInvalid(
      List<JsonNode> chain, Check check, int index, String description) {
    Verification result = VERIFIER.verifyChain(chain);
    assertThat(result).as(description).isInstanceOf(Invalid.class);
    Invalid invalid = (Invalid) result;
    assertThat(invalid.check()).as(description + ": " + invalid.describe()).isEqualTo(check);
    assertThat(invalid.index()).as(description + ": " + invalid.describe()).isEqualTo(index);
  }

  private static List<JsonNode> randomChain(Random random) {
    return randomChain(random, 1);
  }

  private static List<JsonNode> randomChain(Random random, int minHops) {
    return TestChains.chain(
        "trace-" + Integer.toHexString(random.nextInt()),
        RandomChains.canons(random, minHops, 20),
        KEY);
  }

  private static Random random(RepetitionInfo repetition) {
    return new Random(BASE_SEED + repetition.getCurrentRepetition());
  }

  private static String seedOf(RepetitionInfo repetition) {
    return "seed " + (BASE_SEED + repetition.getCurrentRepetition());
  }

  static byte[] seed(int fill) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) fill);
    return seed;
  }
}
