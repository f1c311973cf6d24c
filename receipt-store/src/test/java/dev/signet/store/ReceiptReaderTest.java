package dev.signet.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiptReaderTest {

  private final ReceiptReader reader =
      new ReceiptReader(TestReceipts.MAC, ReceiptVerifier.withKeys(TestReceipts.JWKS));

  @Test
  void shouldAcceptSealedReceiptAndKeepItsExactText() throws Exception {
    Receipt receipt = TestReceipts.chain("trace-1", "acme", 2).get(1);
    // Another valid serialisation of the same receipt: the hash is over JCS, so it verifies,
    // and the store must keep this text, not a re-serialisation.
    String pretty = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(receipt);

    ReceiptReader.Outcome outcome = read(pretty.getBytes(StandardCharsets.UTF_8));

    assertThat(outcome)
        .isEqualTo(
            new ReceiptReader.Accepted(
                new IncomingReceipt(
                    "trace-1",
                    2,
                    "acme",
                    receipt.receiptHash(),
                    receipt.prevReceiptHash(),
                    Instant.parse(receipt.ts()),
                    pretty)));
  }

  @Test
  void shouldAcceptFirstHopWithoutPreviousHash() {
    Receipt first = TestReceipts.chain("trace-1", "acme", 1).get(0);

    ReceiptReader.Outcome outcome = read(TestReceipts.bytes(first));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            ReceiptReader.Accepted.class,
            accepted -> assertThat(accepted.receipt().prevReceiptHash()).isNull());
  }

  @Test
  void shouldRefuseRecordWithoutMacEvenIfTheReceiptIsGenuine() {
    byte[] genuine = TestReceipts.bytes(TestReceipts.chain("trace-1", "acme", 1).get(0));

    assertThat(reasonOf(reader.read(genuine, null))).isEqualTo(QuarantineReason.MAC_MISSING);
  }

  @Test
  void shouldRefuseMacMadeWithAnotherSecret() {
    byte[] genuine = TestReceipts.bytes(TestReceipts.chain("trace-1", "acme", 1).get(0));
    String forged =
        new ReceiptMac(ServerSecret.derivedFrom(SigningKey.generate("mallory"))).sign(genuine);

    assertThat(reasonOf(reader.read(genuine, forged))).isEqualTo(QuarantineReason.MAC_INVALID);
  }

  @Test
  void shouldRefuseMacOfOtherBytes() {
    byte[] genuine = TestReceipts.bytes(TestReceipts.chain("trace-1", "acme", 1).get(0));
    byte[] other = TestReceipts.bytes(TestReceipts.chain("trace-2", "acme", 1).get(0));

    assertThat(reasonOf(reader.read(genuine, TestReceipts.mac(other))))
        .isEqualTo(QuarantineReason.MAC_INVALID);
  }

  @Test
  void shouldRefuseUnsignedReceipt() {
    assertThat(reasonOf(read(TestReceipts.bytes(TestReceipts.unsigned("trace-1", "acme")))))
        .isEqualTo(QuarantineReason.SIGNATURE_MISSING);
  }

  @Test
  void shouldRefuseReceiptSignedByAnotherKeyUnderTheTrustedKid() {
    Receipt impostor =
        TestReceipts.receiptSignedBy(
            SigningKey.generate(TestReceipts.KEY.kid()), "trace-1", "acme");

    assertThat(reasonOf(read(TestReceipts.bytes(impostor))))
        .isEqualTo(QuarantineReason.SIGNATURE_INVALID);
  }

  @Test
  void shouldRefuseReceiptSignedWithAnUnknownKid() {
    Receipt stranger =
        TestReceipts.receiptSignedBy(SigningKey.generate("stranger"), "trace-1", "acme");

    assertThat(reasonOf(read(TestReceipts.bytes(stranger))))
        .isEqualTo(QuarantineReason.UNKNOWN_KID);
  }

  @Test
  void shouldAcceptReceiptSignedWithARetiredKey() {
    SigningKey retired = SigningKey.generate("retired-1");
    ReceiptReader withRetired =
        new ReceiptReader(
            TestReceipts.MAC,
            ReceiptVerifier.withKeys(
                Jwks.of(TestReceipts.KEY.publicKey(), List.of(retired.publicKey()))));
    byte[] value = TestReceipts.bytes(TestReceipts.receiptSignedBy(retired, "trace-1", "acme"));

    assertThat(withRetired.read(value, TestReceipts.mac(value)))
        .isInstanceOf(ReceiptReader.Accepted.class);
  }

  @Test
  void shouldAcceptUnsignedReceiptWhenSignatureChecksAreOff() {
    ReceiptReader hashesOnly = new ReceiptReader(TestReceipts.MAC, ReceiptVerifier.hashesOnly());
    byte[] value = TestReceipts.bytes(TestReceipts.unsigned("trace-1", "acme"));

    assertThat(hashesOnly.read(value, TestReceipts.mac(value)))
        .isInstanceOf(ReceiptReader.Accepted.class);
  }

  @Test
  void shouldRejectValueThatIsNotJson() {
    assertThat(reasonOf(read("not json".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(QuarantineReason.NOT_A_RECEIPT);
  }

  @Test
  void shouldRejectTombstone() {
    assertThat(reader.read(null, null))
        .isInstanceOfSatisfying(
            ReceiptReader.Rejected.class,
            rejected -> assertThat(rejected.reason()).isEqualTo(QuarantineReason.MAC_MISSING));
  }

  @Test
  void shouldRejectBytesThatAreNotUtf8() {
    byte[] latin1 = "{\"tenant\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

    assertThat(read(latin1))
        .isEqualTo(
            new ReceiptReader.Rejected(QuarantineReason.NOT_A_RECEIPT, "value is not UTF-8"));
  }

  @Test
  void shouldRejectReceiptWhoseHashDoesNotMatchItsContent() {
    ObjectNode forged = (ObjectNode) Json.tree(TestReceipts.chain("trace-1", "acme", 1).get(0));
    forged.put("tenant", "someone-else");

    assertThat(reasonOf(read(Json.toBytes(forged)))).isEqualTo(QuarantineReason.HASH_INVALID);
  }

  @Test
  void shouldRejectHopBeyondTheChainLimitEvenWithAValidHash() {
    ObjectNode receipt = resealed("hop", 1001);

    assertThat(read(Json.toBytes(receipt)))
        .isInstanceOfSatisfying(
            ReceiptReader.Rejected.class,
            rejected -> assertThat(rejected.detail()).contains("hop must be within"));
  }

  @Test
  void shouldRejectTimestampOutsideFourDigitYears() {
    ObjectNode receipt = resealed("ts", "+10000-01-01T00:00:00Z");

    // The verifier refuses it first: five-digit years are not in the issuer's ts form.
    assertThat(read(Json.toBytes(receipt)))
        .isInstanceOfSatisfying(
            ReceiptReader.Rejected.class,
            rejected -> {
              assertThat(rejected.reason()).isEqualTo(QuarantineReason.NOT_A_RECEIPT);
              assertThat(rejected.detail()).contains("TS_MALFORMED");
            });
  }

  @Test
  void shouldRejectFirstHopThatPointsAtAPreviousReceipt() {
    ObjectNode receipt = resealed("prev_receipt_hash", "sha256:00");

    assertThat(read(Json.toBytes(receipt)))
        .isInstanceOfSatisfying(
            ReceiptReader.Rejected.class,
            rejected -> assertThat(rejected.detail()).contains("prev_receipt_hash"));
  }

  /** Reads a value as the processor would have written it: with a valid MAC. */
  private ReceiptReader.Outcome read(byte[] value) {
    return reader.read(value, TestReceipts.mac(value));
  }

  private static QuarantineReason reasonOf(ReceiptReader.Outcome outcome) {
    assertThat(outcome).isInstanceOf(ReceiptReader.Rejected.class);
    return ((ReceiptReader.Rejected) outcome).reason();
  }

  /** A hop-1 receipt with one field changed, re-hashed and re-signed, so only our checks see it. */
  private static ObjectNode resealed(String field, Object value) {
    ObjectNode receipt = (ObjectNode) Json.tree(TestReceipts.chain("trace-1", "acme", 1).get(0));
    receipt.set(field, Json.MAPPER.valueToTree(value));
    return TestReceipts.resealed(receipt);
  }
}
