package dev.signet.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Verification.Check;
import dev.signet.core.receipt.Verification.Invalid;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One value, one text: {@code hop}, {@code ts} and signatures are accepted only in the form the
 * issuer writes. Every receipt here is re-hashed and re-signed after the change, so the form rule
 * is the only thing that can refuse it.
 */
class ReceiptVerifierStrictFormTest {

  private static final String BASE64URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private static final SigningKey KEY = new SigningKey("k1", ChainPropertiesTest.seed(0x66));
  private static final ReceiptVerifier VERIFIER =
      ReceiptVerifier.withKeys(Jwks.of(KEY.publicKey(), List.of()));

  static Stream<Arguments> malformedHops() {
    return Stream.of(
        Arguments.of("1.0", "1.0"),
        Arguments.of("1e0", "1e0"),
        Arguments.of("1.5", "1.5"),
        Arguments.of("the string \"1\"", "\"1\""),
        Arguments.of("0", "0"),
        Arguments.of("-1", "-1"),
        Arguments.of("1001, beyond MAX_HOPS", "1001"),
        Arguments.of("2^32+1, which asInt() reads as 1", "4294967297"),
        Arguments.of("2^64+1, a BigInteger", "18446744073709551617"));
  }

  @ParameterizedTest(name = "hop {0}")
  @MethodSource("malformedHops")
  void shouldRefuseAHopThatIsNotAJsonIntegerWithinRange(String name, String hop) {
    ObjectNode receipt = resealed(first(), r -> r.set("hop", Json.parse(hop)));

    assertCheck(VERIFIER.verifyReceipt(receipt), Check.HOP_MALFORMED);
    assertCheck(ReceiptVerifier.hashesOnly().verifyReceipt(receipt), Check.HOP_MALFORMED);
  }

  @Test
  void shouldNotTakeHop2To32Plus1ForHop1InAChain() {
    ObjectNode receipt = resealed(first(), r -> r.put("hop", (1L << 32) + 1));

    assertCheck(VERIFIER.verifyChain(List.of(receipt)), Check.HOP_MALFORMED);
  }

  static Stream<Arguments> malformedTimestamps() {
    return Stream.of(
        Arguments.of("offset +00:00", "\"2025-01-27T12:00:00.123+00:00\""),
        Arguments.of("offset +01:00", "\"2025-01-27T13:00:00.123+01:00\""),
        Arguments.of("lower-case t and z", "\"2025-01-27t12:00:00.123z\""),
        Arguments.of("one fraction digit", "\"2025-01-27T12:00:00.1Z\""),
        Arguments.of("microseconds", "\"2025-01-27T12:00:00.123456Z\""),
        Arguments.of("hour 24", "\"2025-01-26T24:00:00.000Z\""),
        Arguments.of("leap second", "\"2025-01-27T23:59:60.000Z\""),
        Arguments.of("five-digit year", "\"+12025-01-27T12:00:00.123Z\""),
        Arguments.of("no seconds", "\"2025-01-27T12:00Z\""),
        Arguments.of("February 30", "\"2025-02-30T12:00:00.000Z\""),
        Arguments.of("February 29 of a common year", "\"2025-02-29T12:00:00.000Z\""),
        Arguments.of("month 13", "\"2025-13-01T12:00:00.000Z\""),
        Arguments.of("minute 60", "\"2025-01-27T12:60:00.000Z\""),
        Arguments.of("not a timestamp", "\"yesterday\""),
        Arguments.of("epoch milliseconds as a number", "1737979200123"));
  }

  @ParameterizedTest(name = "ts {0}")
  @MethodSource("malformedTimestamps")
  void shouldRefuseATimestampNotInTheIssuersForm(String name, String ts) {
    ObjectNode receipt = resealed(first(), r -> r.set("ts", Json.parse(ts)));

    assertCheck(VERIFIER.verifyReceipt(receipt), Check.TS_MALFORMED);
  }

  @ParameterizedTest(name = "ts {0}")
  @ValueSource(
      strings = {
        "2025-01-27T12:00:00.123Z",
        "2025-01-27T12:00:00.000Z",
        "2025-01-27T12:00:00Z",
        "2024-02-29T23:59:59.999Z"
      })
  void shouldAcceptTheIssuersTimestampAndTheSeedVectorsFormWithoutMilliseconds(String ts) {
    ObjectNode receipt = resealed(first(), r -> r.put("ts", ts));

    assertThat(VERIFIER.verifyReceipt(receipt)).isEqualTo(new Verification.Valid(1));
  }

  static Stream<Arguments> malformedSignatures() {
    return Stream.of(
        Arguments.of("padded with ==", (UnaryOperator<String>) sig -> sig + "=="),
        Arguments.of(
            "standard alphabet + and /",
            (UnaryOperator<String>) sig -> sig.replace('-', '+').replace('_', '/')),
        Arguments.of("leading space", (UnaryOperator<String>) sig -> " " + sig),
        Arguments.of("trailing newline", (UnaryOperator<String>) sig -> sig + "\n"),
        Arguments.of(
            "non-zero unused bits in the last character",
            (UnaryOperator<String>) ReceiptVerifierStrictFormTest::withUnusedBitSet));
  }

  @ParameterizedTest(name = "sig {0}")
  @MethodSource("malformedSignatures")
  void shouldRefuseASignatureNotInUnpaddedBase64Url(String name, UnaryOperator<String> change) {
    ObjectNode receipt = first();
    ObjectNode signature = (ObjectNode) receipt.get("signature");
    String sig = signature.get("sig").textValue();
    assertThat(change.apply(sig)).as("the change must change the text").isNotEqualTo(sig);

    signature.put("sig", change.apply(sig));

    assertCheck(VERIFIER.verifyReceipt(receipt), Check.SIGNATURE_MALFORMED);
    assertCheck(ReceiptVerifier.hashesOnly().verifyReceipt(receipt), Check.SIGNATURE_MALFORMED);
  }

  @Test
  void shouldRefuseASignatureThatIsNotAString() {
    ObjectNode receipt = first();
    ((ObjectNode) receipt.get("signature")).put("sig", 123);

    assertCheck(VERIFIER.verifyReceipt(receipt), Check.SIGNATURE_MALFORMED);
  }

  @Test
  void shouldRefuseAKidThatIsNotAString() {
    SigningKey numbered = new SigningKey("7", ChainPropertiesTest.seed(0x77));
    ObjectNode receipt = (ObjectNode) TestChains.chain(1, numbered).get(0);
    ((ObjectNode) receipt.get("signature")).put("kid", 7);

    assertCheck(
        ReceiptVerifier.withKeys(Jwks.of(numbered.publicKey(), List.of())).verifyReceipt(receipt),
        Check.SIGNATURE_MALFORMED);
  }

  /**
   * A hop-1 receipt whose signature holds both '-' and '_', so that swapping in the standard
   * alphabet changes it. Ed25519 is deterministic, so the search ends at the same trace every run.
   */
  private static ObjectNode first() {
    for (int i = 0; ; i++) {
      JsonNode receipt = TestChains.chain("strict-" + i, List.of("{}"), KEY).get(0);
      String sig = receipt.get("signature").get("sig").textValue();
      if (sig.indexOf('-') >= 0 && sig.indexOf('_') >= 0) {
        return (ObjectNode) receipt;
      }
    }
  }

  /** Changes a receipt, then gives it the hash and signature the issuer would have. */
  private static ObjectNode resealed(ObjectNode receipt, Consumer<ObjectNode> change) {
    change.accept(receipt);
    String hash = ReceiptIssuer.receiptHash(receipt);
    receipt.put("receipt_hash", hash);
    ((ObjectNode) receipt.get("signature")).put("sig", KEY.signText(hash));
    return receipt;
  }

  /** 64 bytes take 86 characters, the last carrying 2 bits and 4 unused (zero) ones. */
  private static String withUnusedBitSet(String sig) {
    int last = BASE64URL.indexOf(sig.charAt(sig.length() - 1));
    return sig.substring(0, sig.length() - 1) + BASE64URL.charAt(last | 1);
  }

  private static void assertCheck(Verification result, Check check) {
    assertThat(result)
        .isInstanceOfSatisfying(
            Invalid.class,
            invalid -> {
              assertThat(invalid.check()).as(invalid.describe()).isEqualTo(check);
              assertThat(invalid.index()).as(invalid.describe()).isZero();
            });
  }
}
