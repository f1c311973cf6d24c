package dev.signet.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Verification.Check;
import dev.signet.core.receipt.Verification.Invalid;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExportBundleTest {

  private static final String BASE64URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final Instant EXPORTED_AT = Instant.parse("2025-01-27T13:00:00.500Z");

  private final SigningKey key = new SigningKey("signet-1", ChainPropertiesTest.seed(0x44));
  private final Jwks jwks = Jwks.of(key.publicKey(), List.of());
  private final List<JsonNode> chain = TestChains.chain(4, key);

  @Test
  void shouldCreateABundleThatVerifies() {
    ObjectNode bundle = ExportBundle.create("trace-4", chain, EXPORTED_AT, key);

    assertThat(bundle.get("exported_at").asText()).isEqualTo("2025-01-27T13:00:00.500Z");
    assertThat(bundle.get("kid").asText()).isEqualTo("signet-1");
    assertThat(ExportBundle.verify(bundle, jwks)).isEqualTo(new Verification.Valid(4));
  }

  @Test
  void shouldHashTheCanonicalTraceChainAndExportTime() {
    ObjectNode bundle = ExportBundle.create("trace-4", chain, EXPORTED_AT, key);
    ObjectNode signed = Json.MAPPER.createObjectNode();
    signed.put("trace_id", "trace-4");
    signed.set("chain", bundle.get("chain"));
    signed.put("exported_at", "2025-01-27T13:00:00.500Z");

    String expected = Hashes.sha256(Canonical.canonicalize(signed));

    assertThat(bundle.get("bundle_cid").asText()).isEqualTo(expected);
    assertThat(key.publicKey().verifyText(expected, bundle.get("signature").asText())).isTrue();
  }

  @Test
  void shouldVerifyAfterATripThroughJsonText() {
    String text = Json.toText(ExportBundle.create("trace-4", chain, EXPORTED_AT, key));

    assertThat(ExportBundle.verify(Json.parse(text), jwks)).isEqualTo(new Verification.Valid(4));
  }

  @Test
  void shouldReportATamperedExportTime() {
    ObjectNode bundle = ExportBundle.create("trace-4", chain, EXPORTED_AT, key);
    bundle.put("exported_at", "2025-01-27T13:00:00.501Z");

    assertThat(ExportBundle.verify(bundle, jwks))
        .isInstanceOfSatisfying(
            Invalid.class,
            invalid -> {
              assertThat(invalid.check()).isEqualTo(Check.BUNDLE_CID_MISMATCH);
              assertThat(invalid.index()).isEqualTo(-1);
              assertThat(invalid.describe()).startsWith("bundle: BUNDLE_CID_MISMATCH");
            });
  }

  @Test
  void shouldReportWhichReceiptOfTheBundleWasTamperedWith() {
    ObjectNode bundle = ExportBundle.create("trace-4", chain, EXPORTED_AT, key);
    ObjectNode third = (ObjectNode) bundle.get("chain").get(2);
    String canon = third.get("canon").asText();
    third.put("canon", canon.replaceFirst("3", "4"));

    assertThat(ExportBundle.verify(bundle, jwks))
        .isInstanceOfSatisfying(
            Invalid.class,
            invalid -> {
              assertThat(invalid.check()).isEqualTo(Check.CID_MISMATCH);
              assertThat(invalid.index()).isEqualTo(2);
              assertThat(invalid.hop()).isEqualTo(3);
            });
  }

  @Test
  void shouldReportATamperedReceiptHashInTheBundle() {
    ObjectNode bundle = ExportBundle.create("trace-4", chain, EXPORTED_AT, key);
    ObjectNode second = (ObjectNode) bundle.get("chain").get(1);
    String hash = second.get("receipt_hash").asText();
    second.put(
        "receipt_hash", hash.substring(0, hash.length() - 1) + (hash.endsWith("0") ? "1" : "0"));

    assertThat(ExportBundle.verify(bundle, jwks))
        .isInstanceOfSatisfying(
            Invalid.class,
            invalid -> {
              assertThat(invalid.check()).isEqualTo(Check.RECEIPT_HASH_MISMATCH);
              assertThat(invalid.index()).isEqualTo(1);
            });
  }

  @Test
  void shouldReportADroppedLastReceiptAsABundleMismatch() {
    ObjectNode bundle = ExportBundle.create("trace-4", chain, EXPORTED_AT, key);
    bundle.withArray("chain").remove(3);

    assertThat(ExportBundle.verify(bundle, jwks))
        .isInstanceOfSatisfying(
            Invalid.class, i -> assertThat(i.check()).isEqualTo(Check.BUNDLE_CID_MISMATCH));
  }

  @Test
  void shouldReportAForgedBundleSignature() {
    ObjectNode bundle = ExportBundle.create("trace-4", chain, EXPORTED_AT, key);
    bundle.put("signature", key.signText(Hashes.sha256("another bundle")));

    assertThat(ExportBundle.verify(bundle, jwks))
        .isInstanceOfSatisfying(
            Invalid.class, i -> assertThat(i.check()).isEqualTo(Check.BUNDLE_SIGNATURE_INVALID));
  }

  @ParameterizedTest(name = "signature {0}")
  @ValueSource(strings = {"padded with ==", "with a leading space", "with non-zero unused bits"})
  void shouldRefuseABundleSignatureNotInUnpaddedBase64Url(String form) {
    ObjectNode bundle = ExportBundle.create("trace-4", chain, EXPORTED_AT, key);
    String signature = bundle.get("signature").asText();
    String changed =
        switch (form) {
          case "padded with ==" -> signature + "==";
          case "with a leading space" -> " " + signature;
          // 64 bytes take 86 characters; the last carries 2 bits and 4 unused ones, zero when
          // canonical.
          default ->
              signature.substring(0, 85)
                  + BASE64URL.charAt(BASE64URL.indexOf(signature.charAt(85)) | 1);
        };
    bundle.put("signature", changed);

    assertThat(ExportBundle.verify(bundle, jwks))
        .isInstanceOfSatisfying(
            Invalid.class,
            i -> {
              assertThat(i.check()).isEqualTo(Check.SIGNATURE_MALFORMED);
              assertThat(i.index()).isEqualTo(-1);
            });
  }

  @Test
  void shouldReportABundleSignedWithAnUnknownKid() {
    SigningKey stranger = new SigningKey("stranger", ChainPropertiesTest.seed(0x55));
    ObjectNode bundle = ExportBundle.create("trace-4", chain, EXPORTED_AT, stranger);

    assertThat(ExportBundle.verify(bundle, jwks))
        .isInstanceOfSatisfying(
            Invalid.class, i -> assertThat(i.check()).isEqualTo(Check.KID_UNKNOWN));
  }

  @Test
  void shouldReportABundleWhoseTraceIdDiffersFromItsChain() {
    ObjectNode bundle = ExportBundle.create("another-trace", chain, EXPORTED_AT, key);

    assertThat(ExportBundle.verify(bundle, jwks))
        .isInstanceOfSatisfying(
            Invalid.class, i -> assertThat(i.check()).isEqualTo(Check.TRACE_MISMATCH));
  }

  @Test
  void shouldReportAMissingBundleField() {
    ObjectNode bundle = ExportBundle.create("trace-4", chain, EXPORTED_AT, key);
    bundle.remove("bundle_cid");

    assertThat(ExportBundle.verify(bundle, jwks))
        .isInstanceOfSatisfying(
            Invalid.class, i -> assertThat(i.check()).isEqualTo(Check.MALFORMED));
  }

  @Test
  void shouldReportAnEmptyChain() {
    ObjectNode bundle = ExportBundle.create("trace-4", List.of(), EXPORTED_AT, key);

    assertThat(ExportBundle.verify(bundle, jwks))
        .isInstanceOfSatisfying(
            Invalid.class, i -> assertThat(i.check()).isEqualTo(Check.CHAIN_EMPTY));
  }

  @Test
  void shouldReportAnExportTimeThatCannotBeCanonicalised() {
    ObjectNode bundle = ExportBundle.create("trace-4", chain, EXPORTED_AT, key);
    bundle.set("exported_at", Json.parse("1e400"));

    assertThat(ExportBundle.verify(bundle, jwks))
        .isInstanceOfSatisfying(
            Invalid.class, i -> assertThat(i.check()).isEqualTo(Check.MALFORMED));
  }

  @Test
  void shouldCheckHashesLinksAndBundleCidWithoutKeys() {
    SigningKey stranger = new SigningKey("stranger", ChainPropertiesTest.seed(0x55));
    ObjectNode bundle = ExportBundle.create("trace-4", chain, EXPORTED_AT, stranger);

    assertThat(ExportBundle.verifyHashesOnly(bundle)).isEqualTo(new Verification.Valid(4));
    bundle.put("exported_at", "2025-01-27T13:00:00.501Z");
    assertThat(ExportBundle.verifyHashesOnly(bundle))
        .isInstanceOfSatisfying(
            Invalid.class, i -> assertThat(i.check()).isEqualTo(Check.BUNDLE_CID_MISMATCH));
  }
}
