package dev.signet.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.Base64Url;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Recomputes the worked example of {@code docs/receipts.md} and checks that the document prints
 * exactly these values, so that the example third parties reproduce cannot drift from the code.
 */
class WorkedExampleTest {

  static final String KID = "signet-example-1";
  static final String X = "iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w";
  static final String PUBLIC_HEX =
      "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c";

  static final String DOCUMENT =
      "{\"invoice_id\": \"INV-001\", \"amount\": 1000.50, \"currency\": \"EUR\", \"note\": \"caf\u00e9 \u20ac\","
          + " \"lines\": [{\"sku\": \"A-1\", \"qty\": 2}]}";
  static final String CANON =
      "{\"amount\":1000.5,\"currency\":\"EUR\",\"invoice_id\":\"INV-001\",\"lines\":[{\"qty\":2,\"sku\":\"A-1\"}],"
          + "\"note\":\"caf\u00e9 \u20ac\"}";
  static final String CANON_HEX =
      "7b22616d6f756e74223a313030302e352c2263757272656e6379223a22455552222c22696e766f6963"
          + "655f6964223a22494e562d303031222c226c696e6573223a5b7b22717479223a322c22736b75223a22412d31227d5d2c226e6f7465"
          + "223a22636166c3a920e282ac227d";
  static final String CID =
      "sha256:a3b30944d972ed79b9ba2a5721d4efd11df2751aa7894d84001bbd6f3834e762";
  static final String UNSIGNED =
      "{\"algo\":\"sha256\",\"canon\":\"{\\\"amount\\\":1000.5,\\\"currency\\\":\\\"EUR\\\","
          + "\\\"invoice_id\\\":\\\"INV-001\\\",\\\"lines\\\":[{\\\"qty\\\":2,\\\"sku\\\":\\\"A-1\\\"}],\\\"note\\\":"
          + "\\\"caf\u00e9 \u20ac\\\"}\",\"cid\":\""
          + CID
          + "\",\"hop\":1,\"payload_type\":\"invoice.v1\","
          + "\"policy\":{\"allowed\":true,\"engine\":\"HEL\",\"reason\":\"ok\"},\"prev_receipt_hash\":null,"
          + "\"target_type\":\"invoice.v1\",\"tenant\":\"acme\",\"trace_id\":\"trace-example-0001\","
          + "\"ts\":\"2025-01-27T12:00:00.123Z\"}";
  static final String RECEIPT_HASH =
      "sha256:3f8e6d0d7a52117e79a5e135767cb44abe95d2b226b26cf0161e901121f88f4b";
  static final String SIGNATURE =
      "19hBiBg5C9wobg0ZNM-bCYiPGSLU0AlDkWAHnqvQRRYQ6YqeJ6Izz0u48fZY_5pyCivBGtbU4TmGgnG7_EteAQ";

  static final String CANON_2 = "{\"invoice_id\":\"INV-001\",\"status\":\"paid\"}";
  static final String CID_2 =
      "sha256:567da25dc6b543ef7dea97b59edd5c60c9737ef5c1ba9badf01f9d038ba1f064";
  static final String RECEIPT_HASH_2 =
      "sha256:fd86e51a9d99cfb4d3893913316fb1051f9037fb29bafebab02be7e481207357";
  static final String SIGNATURE_2 =
      "11dlopUnHAatlh5DmzmXcMwMNU8IoGEq8Cj8u76y-3qAl_AbiKmLN-k6wIpd87n1FRjQxfLDBjwtNpGCb4jTBQ";

  static final String BUNDLE_CID =
      "sha256:d2e0b5c3046a7fba8280ef48bc087f611a41b94c4ac9f1d08da5167816ef55f7";
  static final String BUNDLE_SIGNATURE =
      "sCc0kyJMyQcQZKmIYIuwEAmTrNtyvcNc94St8rIgfkuOa4FqbSmzoje4eaLvNFOjMco9lGbT_vRU0BfWr8dJCw";

  private final SigningKey key = new SigningKey(KID, seed());

  @Test
  void shouldDeriveThePublicKeyOfTheExampleSeed() {
    assertThat(key.publicKey().x()).isEqualTo(X);
    assertThat(HexFormat.of().formatHex(key.publicKey().encoded())).isEqualTo(PUBLIC_HEX);
  }

  @Test
  void shouldRecomputeTheFirstReceipt() {
    String canon = Canonical.canonicalize(DOCUMENT);
    Receipt sealed = new ReceiptIssuer(key).seal(first());

    assertThat(canon).isEqualTo(CANON);
    assertThat(HexFormat.of().formatHex(canon.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(CANON_HEX);
    assertThat(ReceiptIssuer.contentId(canon)).isEqualTo(CID);
    assertThat(
            Canonical.canonicalizeExcluding(Json.tree(sealed), Set.of("receipt_hash", "signature")))
        .isEqualTo(UNSIGNED);
    assertThat(sealed.receiptHash()).isEqualTo(RECEIPT_HASH);
    assertThat(sealed.signature()).isEqualTo(new ReceiptSignature("EdDSA", KID, SIGNATURE));
  }

  @Test
  void shouldRecomputeTheSecondReceiptAndTheBundle() {
    Receipt one = new ReceiptIssuer(key).seal(first());
    Receipt two = new ReceiptIssuer(key).seal(second(one.receiptHash()));
    ObjectNode bundle = bundle(one, two);

    assertThat(two.cid()).isEqualTo(CID_2);
    assertThat(two.receiptHash()).isEqualTo(RECEIPT_HASH_2);
    assertThat(two.signature().sig()).isEqualTo(SIGNATURE_2);
    assertThat(bundle.get("bundle_cid").asText()).isEqualTo(BUNDLE_CID);
    assertThat(bundle.get("signature").asText()).isEqualTo(BUNDLE_SIGNATURE);
    assertThat(ExportBundle.verify(bundle, Jwks.of(key.publicKey(), List.of())))
        .isEqualTo(new Verification.Valid(2));
  }

  @Test
  void shouldPrintTheseExactValuesInTheDocument() {
    String doc = document();
    Receipt one = new ReceiptIssuer(key).seal(first());
    Receipt two = new ReceiptIssuer(key).seal(second(one.receiptHash()));
    ObjectNode signedPart = Json.MAPPER.createObjectNode();
    ObjectNode bundle = bundle(one, two);
    signedPart.set("trace_id", bundle.get("trace_id"));
    signedPart.set("chain", bundle.get("chain"));
    signedPart.set("exported_at", bundle.get("exported_at"));

    for (String value :
        List.of(
            X,
            PUBLIC_HEX,
            DOCUMENT,
            CANON,
            CANON_HEX,
            CID,
            UNSIGNED,
            RECEIPT_HASH,
            SIGNATURE,
            CANON_2,
            CID_2,
            RECEIPT_HASH_2,
            SIGNATURE_2,
            BUNDLE_CID,
            BUNDLE_SIGNATURE,
            Canonical.canonicalize(Json.tree(one)),
            Canonical.canonicalize(signedPart))) {
      assertThat(doc).as("docs/receipts.md prints the worked example's value").contains(value);
    }
    assertThat(doc)
        .contains("SP_PRIVATE_KEY_B64=" + Base64Url.encode(seed()))
        .contains("Those " + CANON.getBytes(StandardCharsets.UTF_8).length + " bytes in hex")
        .contains(
            String.format(
                Locale.ROOT,
                "(%,d bytes)",
                Canonical.canonicalize(signedPart).getBytes(StandardCharsets.UTF_8).length));
  }

  @Test
  void shouldVerifyTheBundleAndJwksPrintedInTheDocument() {
    String doc = document();
    JsonNode bundle = Json.parse(block(doc, "worked-example:bundle"));
    Jwks jwks = Jwks.parse(block(doc, "worked-example:jwks"));

    assertThat(ExportBundle.verify(bundle, jwks)).isEqualTo(new Verification.Valid(2));
    assertThat(bundle.get("chain").get(0).get("receipt_hash").asText()).isEqualTo(RECEIPT_HASH);
  }

  @Test
  void shouldPrintNoHashOrSignatureThatTheExampleDoesNotProduce() {
    String doc = document();
    String tamperedCid = Hashes.sha256(CANON.replace("caf\u00e9", "cafe"));

    assertThat(tokens(doc, "sha256:[0-9a-f]{64}"))
        .isNotEmpty()
        .allSatisfy(
            hash ->
                assertThat(hash)
                    .isIn(CID, CID_2, RECEIPT_HASH, RECEIPT_HASH_2, BUNDLE_CID, tamperedCid));
    assertThat(tokens(doc, "(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{86}(?![A-Za-z0-9_-])"))
        .isNotEmpty()
        .allSatisfy(sig -> assertThat(sig).isIn(SIGNATURE, SIGNATURE_2, BUNDLE_SIGNATURE));
  }

  private static List<String> tokens(String text, String regex) {
    return Pattern.compile(regex).matcher(text).results().map(MatchResult::group).toList();
  }

  private static Receipt first() {
    String canon = Canonical.canonicalize(DOCUMENT);
    return new Receipt(
        "trace-example-0001",
        1,
        "2025-01-27T12:00:00.123Z",
        "acme",
        ReceiptIssuer.contentId(canon),
        canon,
        Receipt.ALGO,
        null,
        Policy.allowed("ok"),
        "invoice.v1",
        "invoice.v1",
        null,
        null,
        null,
        null,
        null);
  }

  private static Receipt second(String prev) {
    String canon = Canonical.canonicalize("{\"status\": \"paid\", \"invoice_id\": \"INV-001\"}");
    return new Receipt(
        "trace-example-0001",
        2,
        "2025-01-27T12:00:01.456Z",
        "acme",
        ReceiptIssuer.contentId(canon),
        canon,
        Receipt.ALGO,
        prev,
        Policy.allowed("ok"),
        "payment.v1",
        "payment.v1",
        null,
        null,
        null,
        null,
        null);
  }

  private ObjectNode bundle(Receipt one, Receipt two) {
    return ExportBundle.create(
        "trace-example-0001",
        List.of(Json.tree(one), Json.tree(two)),
        Instant.parse("2025-01-27T12:05:00Z"),
        key);
  }

  private static byte[] seed() {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) 0x01);
    return seed;
  }

  /**
   * The first fenced block after an HTML comment marker such as {@code <!-- worked-example:bundle
   * -->}.
   */
  private static String block(String doc, String marker) {
    int at = doc.indexOf("<!-- " + marker + " -->");
    assertThat(at).as("marker %s in docs/receipts.md", marker).isNotNegative();
    int open = doc.indexOf("```", at);
    int start = doc.indexOf('\n', open) + 1;
    int end = doc.indexOf("```", start);
    return doc.substring(start, end);
  }

  private static String document() {
    Path moduleDir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path doc = moduleDir.toAbsolutePath().getParent().resolve("docs/receipts.md");
    try {
      return Files.readString(doc, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(
          "cannot read " + doc + ": the worked example must stay in the docs", e);
    }
  }
}
