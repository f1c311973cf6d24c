package dev.signet.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import org.junit.jupiter.api.Test;

class ReceiptIssuerTest {

  private final ReceiptIssuer issuer =
      new ReceiptIssuer(new SigningKey("k1", ChainPropertiesTest.seed(0x42)));

  @Test
  void shouldIssueTheReceiptThatSealProduces() {
    Receipt unsealed = TestChains.unsealed("t", 2, "acme", "{\"a\":1}", "sha256:00");

    assertThat(issuer.issue(unsealed).receipt()).isEqualTo(issuer.seal(unsealed));
  }

  @Test
  void shouldWriteExactlyTheBytesTheSealedReceiptSerialisesTo() {
    Receipt first = TestChains.unsealed("t", 1, "acme", "{\"a\":\"\\u00e9\\n\"}", null);
    Receipt extended =
        new Receipt(
            "t",
            2,
            first.ts(),
            "acme",
            first.cid(),
            first.canon(),
            Receipt.ALGO,
            "sha256:00",
            Policy.allowed("ok"),
            "in.v1",
            "out.v1",
            null,
            Boolean.TRUE,
            7L,
            null,
            null);

    for (Receipt unsealed : new Receipt[] {first, extended}) {
      SealedReceipt sealed = issuer.issue(unsealed);
      assertThat(sealed.json().bytes()).isEqualTo(Json.toBytes(sealed.receipt()));
    }
  }

  @Test
  void shouldIssueAReceiptThatVerifies() {
    SealedReceipt sealed = issuer.issue(TestChains.unsealed("t", 1, "acme", "{}", null));

    assertThat(ReceiptIssuer.receiptHash(sealed.json().tree()))
        .isEqualTo(sealed.receipt().receiptHash());
  }
}
