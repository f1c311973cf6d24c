package dev.signet.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.Conformance;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Verification.Check;
import dev.signet.core.receipt.Verification.Invalid;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SeedVectorsTest {

  private final ReceiptVerifier verifier = ReceiptVerifier.hashesOnly();

  static Stream<Path> receipts() {
    return Conformance.files("seed-vectors/receipts", ".json").stream();
  }

  static Stream<Path> chains() {
    return Conformance.files("seed-vectors/chains", ".json").stream();
  }

  @Test
  void shouldFindSeedVectors() {
    assertThat(receipts()).isNotEmpty();
    assertThat(chains()).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("receipts")
  void shouldVerifySeedReceipt(Path file) {
    JsonNode receipt = Json.parse(Conformance.bytes(file));

    assertThat(verifier.verifyReceipt(receipt)).isEqualTo(new Verification.Valid(1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chains")
  void shouldVerifySeedChain(Path file) {
    List<JsonNode> chain = asList(Json.parse(Conformance.bytes(file)));

    assertThat(verifier.verifyChain(chain)).isEqualTo(new Verification.Valid(chain.size()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chains")
  void shouldNotVerifySeedChainWithLastHopRelinkedToItself(Path file) {
    List<JsonNode> chain = asList(Json.parse(Conformance.bytes(file)));
    ObjectNode last = (ObjectNode) chain.get(chain.size() - 1);
    last.put("prev_receipt_hash", last.get("receipt_hash").asText());

    assertThat(verifier.verifyChain(chain))
        .isInstanceOfSatisfying(
            Invalid.class,
            invalid -> {
              assertThat(invalid.check()).isEqualTo(Check.RECEIPT_HASH_MISMATCH);
              assertThat(invalid.index()).isEqualTo(chain.size() - 1);
            });
  }

  @Test
  void shouldRejectSeedReceiptWithSignatureWhenKeysAreRequired() {
    JsonNode receipt = Json.parse(Conformance.bytes(receipts().findFirst().orElseThrow()));

    Verification result = ReceiptVerifier.withKeys(new Jwks(List.of())).verifyReceipt(receipt);

    assertThat(result)
        .isInstanceOfSatisfying(
            Invalid.class, i -> assertThat(i.check()).isEqualTo(Check.SIGNATURE_MISSING));
  }

  private static List<JsonNode> asList(JsonNode array) {
    assertThat(array.isArray()).isTrue();
    List<JsonNode> list = new ArrayList<>();
    array.forEach(list::add);
    return list;
  }
}
