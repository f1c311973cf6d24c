package dev.signet.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.receipt.Verification.Check;
import dev.signet.core.receipt.Verification.Invalid;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRotationTest {

  private final SigningKey key1 = new SigningKey("signet-2025-01", ChainPropertiesTest.seed(0x11));
  private final SigningKey key2 = new SigningKey("signet-2025-06", ChainPropertiesTest.seed(0x22));
  private final Jwks afterRotation = Jwks.of(key2.publicKey(), List.of(key1.publicKey()));

  @Test
  void shouldListTheActiveKeyFirstAndKeepRetiredKeys() {
    assertThat(afterRotation.keys()).containsExactly(key2.publicKey(), key1.publicKey());
    assertThat(afterRotation.find("signet-2025-01")).contains(key1.publicKey());
  }

  @Test
  void shouldVerifyAChainSignedBeforeTheRotation() {
    List<JsonNode> old = TestChains.chain(5, key1);

    assertThat(ReceiptVerifier.withKeys(afterRotation).verifyChain(old))
        .isEqualTo(new Verification.Valid(5));
  }

  @Test
  void shouldVerifyAChainThatSpansTheRotation() {
    List<SigningKey> keys = new ArrayList<>(Collections.nCopies(3, key1));
    keys.addAll(Collections.nCopies(4, key2));
    List<JsonNode> mixed = TestChains.chain("trace-rotated", "acme", canons(7), keys);

    assertThat(mixed.get(2).get("signature").get("kid").asText()).isEqualTo("signet-2025-01");
    assertThat(mixed.get(3).get("signature").get("kid").asText()).isEqualTo("signet-2025-06");
    assertThat(ReceiptVerifier.withKeys(afterRotation).verifyChain(mixed))
        .isEqualTo(new Verification.Valid(7));
  }

  @Test
  void shouldSurviveAJwksRoundTripThroughJson() {
    Jwks published = Jwks.parse(afterRotation.toJson().toString());
    List<JsonNode> old = TestChains.chain(3, key1);

    assertThat(published).isEqualTo(afterRotation);
    assertThat(ReceiptVerifier.withKeys(published).verifyChain(old))
        .isEqualTo(new Verification.Valid(3));
  }

  @Test
  void shouldRejectAKidThatTheJwksDoesNotList() {
    SigningKey stranger = new SigningKey("signet-unknown", ChainPropertiesTest.seed(0x33));
    List<SigningKey> keys = List.of(key1, key2, stranger);
    List<JsonNode> chain = TestChains.chain("trace-x", "acme", canons(3), keys);

    Verification result = ReceiptVerifier.withKeys(afterRotation).verifyChain(chain);

    assertThat(result)
        .isInstanceOfSatisfying(
            Invalid.class,
            invalid -> {
              assertThat(invalid.check()).isEqualTo(Check.KID_UNKNOWN);
              assertThat(invalid.index()).isEqualTo(2);
              assertThat(invalid.hop()).isEqualTo(3);
              assertThat(invalid.describe())
                  .contains("hop 3")
                  .contains("KID_UNKNOWN")
                  .contains("signet-unknown");
            });
  }

  @Test
  void shouldRejectAnOldChainOnceTheRetiredKeyIsDropped() {
    List<JsonNode> old = TestChains.chain(2, key1);

    Verification result =
        ReceiptVerifier.withKeys(Jwks.of(key2.publicKey(), List.of())).verifyChain(old);

    assertThat(result)
        .isInstanceOfSatisfying(
            Invalid.class, i -> assertThat(i.check()).isEqualTo(Check.KID_UNKNOWN));
  }

  @Test
  void shouldRejectAReceiptWhoseKidNamesTheWrongKey() {
    List<JsonNode> chain = TestChains.chain(2, key1);
    ((ObjectNode) chain.get(1).get("signature")).put("kid", key2.kid());

    Verification result = ReceiptVerifier.withKeys(afterRotation).verifyChain(chain);

    assertThat(result)
        .isInstanceOfSatisfying(
            Invalid.class,
            invalid -> {
              assertThat(invalid.check()).isEqualTo(Check.SIGNATURE_INVALID);
              assertThat(invalid.index()).isEqualTo(1);
            });
  }

  private static List<String> canons(int n) {
    List<String> canons = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      canons.add("{\"n\":" + i + "}");
    }
    return canons;
  }
}
