package dev.signet.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReceiptReaderTest {

  private final ReceiptReader reader = new ReceiptReader();

  @Test
  void shouldAcceptSealedReceiptAndKeepItsExactText() throws Exception {
    Receipt receipt = TestReceipts.chain("trace-1", "acme", 2).get(1);
    // Another valid serialisation of the same receipt: the hash is over JCS, so it verifies,
    // and the store must keep this text, not a re-serialisation.
    String pretty = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(receipt);

    ReceiptReader.Outcome outcome = reader.read(pretty.getBytes(StandardCharsets.UTF_8));

    assertThat(outcome).isEqualTo(new ReceiptReader.Accepted(new IncomingReceipt(
        "trace-1", 2, "acme", receipt.receiptHash(), receipt.prevReceiptHash(), Instant.parse(receipt.ts()),
        pretty)));
  }

  @Test
  void shouldAcceptFirstHopWithoutPreviousHash() {
    Receipt first = TestReceipts.chain("trace-1", "acme", 1).get(0);

    ReceiptReader.Outcome outcome = reader.read(TestReceipts.bytes(first));

    assertThat(outcome).isInstanceOfSatisfying(ReceiptReader.Accepted.class,
        accepted -> assertThat(accepted.receipt().prevReceiptHash()).isNull());
  }

  @Test
  void shouldRejectValueThatIsNotJson() {
    assertThat(reader.read("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(ReceiptReader.Rejected.class,
            rejected -> assertThat(rejected.reason()).isEqualTo(ReceiptReader.MALFORMED));
  }

  @Test
  void shouldRejectTombstone() {
    assertThat(reader.read(null)).isEqualTo(new ReceiptReader.Rejected(ReceiptReader.MALFORMED, "no value (tombstone)"));
  }

  @Test
  void shouldRejectBytesThatAreNotUtf8() {
    byte[] latin1 = "{\"tenant\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

    assertThat(reader.read(latin1)).isEqualTo(new ReceiptReader.Rejected(ReceiptReader.MALFORMED, "value is not UTF-8"));
  }

  @Test
  void shouldRejectReceiptWhoseHashDoesNotMatchItsContent() {
    ObjectNode forged = (ObjectNode) Json.tree(TestReceipts.chain("trace-1", "acme", 1).get(0));
    forged.put("tenant", "someone-else");

    assertThat(reader.read(Json.toBytes(forged)))
        .isInstanceOfSatisfying(ReceiptReader.Rejected.class,
            rejected -> assertThat(rejected.reason()).isEqualTo("receipt_hash_mismatch"));
  }

  @Test
  void shouldRejectHopBeyondTheChainLimitEvenWithAValidHash() {
    ObjectNode receipt = rehashed("hop", 1001);

    assertThat(reader.read(Json.toBytes(receipt)))
        .isInstanceOfSatisfying(ReceiptReader.Rejected.class,
            rejected -> assertThat(rejected.detail()).contains("hop must be within"));
  }

  @Test
  void shouldRejectTimestampOutsideFourDigitYears() {
    ObjectNode receipt = rehashed("ts", "+10000-01-01T00:00:00Z");

    // The verifier refuses it first: five-digit years are not in the issuer's ts form.
    assertThat(reader.read(Json.toBytes(receipt)))
        .isInstanceOfSatisfying(ReceiptReader.Rejected.class,
            rejected -> assertThat(rejected.reason()).isEqualTo("ts_malformed"));
  }

  @Test
  void shouldRejectFirstHopThatPointsAtAPreviousReceipt() {
    ObjectNode receipt = rehashed("prev_receipt_hash", "sha256:00");

    assertThat(reader.read(Json.toBytes(receipt)))
        .isInstanceOfSatisfying(ReceiptReader.Rejected.class,
            rejected -> assertThat(rejected.detail()).contains("prev_receipt_hash"));
  }

  /** A hop-1 receipt with one field changed and its receipt_hash recomputed, so only our checks see it. */
  private static ObjectNode rehashed(String field, Object value) {
    ObjectNode receipt = (ObjectNode) Json.tree(TestReceipts.chain("trace-1", "acme", 1).get(0));
    receipt.set(field, Json.MAPPER.valueToTree(value));
    receipt.remove("signature");
    receipt.put("receipt_hash", ReceiptIssuer.receiptHash(receipt));
    return receipt;
  }
}
