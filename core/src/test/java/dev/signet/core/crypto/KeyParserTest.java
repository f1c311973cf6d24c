package dev.signet.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyParserTest {

  private static final byte[] SEED =
      HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  private static final String PUBLIC_X =
      Base64Url.encode(
          HexFormat.of()
              .parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));

  @Test
  void shouldAcceptBase64UrlWithoutPadding() {
    assertParsesToSeed(Base64.getUrlEncoder().withoutPadding().encodeToString(SEED));
  }

  @Test
  void shouldAcceptBase64UrlWithPadding() {
    assertParsesToSeed(Base64.getUrlEncoder().encodeToString(SEED));
  }

  @Test
  void shouldAcceptStandardBase64WithAndWithoutPadding() {
    byte[] seed = seedWithStandardOnlyCharacters();
    String padded = Base64.getEncoder().encodeToString(seed);
    assertThat(padded).containsAnyOf("+", "/").endsWith("=");

    assertThat(KeyParser.parse("k", padded).seed()).isEqualTo(seed);
    assertThat(KeyParser.parse("k", padded.replace("=", "")).seed()).isEqualTo(seed);
  }

  @Test
  void shouldAcceptSurroundingWhitespace() {
    assertParsesToSeed("  " + Base64Url.encode(SEED) + "\n");
  }

  @Test
  void shouldTakeTheSeedOfA64ByteLibsodiumSecretKey() {
    byte[] secretKey = new byte[64];
    System.arraycopy(SEED, 0, secretKey, 0, 32);
    System.arraycopy(Base64Url.decodeLenient(PUBLIC_X), 0, secretKey, 32, 32);

    assertParsesToSeed(Base64.getEncoder().encodeToString(secretKey));
  }

  @Test
  void shouldRoundTripThroughPkcs8Pem() {
    SigningKey key = new SigningKey("k", SEED);
    String pem = KeyParser.toPem(key);

    assertThat(pem)
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    SigningKey parsed = KeyParser.parse("k", pem);
    assertThat(parsed.seed()).isEqualTo(SEED);
    assertThat(parsed.publicKey().x()).isEqualTo(PUBLIC_X);
  }

  @Test
  void shouldAcceptPemWithEscapedNewlinesAsEnvironmentVariablesCarryThem() {
    String pem = KeyParser.toPem(new SigningKey("k", SEED)).replace("\n", "\\n");

    assertThat(KeyParser.parse("k", pem).seed()).isEqualTo(SEED);
  }

  @Test
  void shouldReadAPkcs8KeyMadeByTheJdk() throws GeneralSecurityException {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    byte[] x509 = pair.getPublic().getEncoded();
    byte[] jdkPublic = Arrays.copyOfRange(x509, x509.length - 32, x509.length);

    SigningKey parsed = KeyParser.parse("jdk", pem);

    assertThat(parsed.publicKey().encoded()).isEqualTo(jdkPublic);
  }

  @Test
  void shouldRejectAnRsaPemKeyWithAHint() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder()
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";

    assertThatThrownBy(() -> KeyParser.parse("k", pem))
        .isInstanceOf(KeyParser.InvalidKeyException.class)
        .hasMessageContaining("not an Ed25519 key")
        .hasMessageContaining("./signet keygen");
  }

  @Test
  void shouldRejectATraditionalRsaPemBlockWithAHint() {
    String pem =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----\n";

    assertThatThrownBy(() -> KeyParser.parse("k", pem))
        .isInstanceOf(KeyParser.InvalidKeyException.class)
        .hasMessageContaining("./signet keygen");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 16, 31, 33, 48, 63, 65})
  void shouldRejectKeysOfTheWrongLength(int length) {
    String encoded = Base64Url.encode(new byte[length]);

    assertThatThrownBy(() -> KeyParser.parse("k", encoded))
        .isInstanceOf(KeyParser.InvalidKeyException.class)
        .hasMessageContaining("./signet keygen");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not a key!!",
        "%%%%",
        "-----BEGIN PRIVATE KEY-----\n@@@\n-----END PRIVATE KEY-----",
        " ",
        "A"
      })
  void shouldRejectGarbageWithAHint(String garbage) {
    assertThatThrownBy(() -> KeyParser.parse("k", garbage))
        .isInstanceOf(KeyParser.InvalidKeyException.class)
        .hasMessageContaining("./signet keygen");
  }

  @Test
  void shouldRejectAMissingKeyWithAHint() {
    assertThatThrownBy(() -> KeyParser.parse("k", null))
        .isInstanceOf(KeyParser.InvalidKeyException.class)
        .hasMessageContaining("./signet keygen");
  }

  private static void assertParsesToSeed(String configured) {
    SigningKey key = KeyParser.parse("k1", configured);
    assertThat(key.seed()).isEqualTo(SEED);
    assertThat(key.kid()).isEqualTo("k1");
    assertThat(key.publicKey().x()).isEqualTo(PUBLIC_X);
  }

  /** A seed whose standard base64 form has '+' or '/' and padding, so the two alphabets differ. */
  private static byte[] seedWithStandardOnlyCharacters() {
    byte[] seed = SEED.clone();
    seed[0] = (byte) 0xfb;
    seed[1] = (byte) 0xff;
    return seed;
  }
}
