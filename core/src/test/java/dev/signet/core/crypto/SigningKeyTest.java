package dev.signet.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SigningKeyTest {

  private static final HexFormat HEX = HexFormat.of();

  // RFC 8032, section 7.1, TEST 1 (empty message).
  private static final String RFC8032_SEED =
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  private static final String RFC8032_PUBLIC =
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  private static final String RFC8032_SIGNATURE =
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

  @Test
  void shouldDeriveTheRfc8032PublicKey() {
    SigningKey key = new SigningKey("rfc8032-1", HEX.parseHex(RFC8032_SEED));

    assertThat(HEX.formatHex(key.publicKey().encoded())).isEqualTo(RFC8032_PUBLIC);
    assertThat(key.publicKey().x()).isEqualTo(Base64Url.encode(HEX.parseHex(RFC8032_PUBLIC)));
  }

  @Test
  void shouldProduceTheRfc8032SignatureOverTheEmptyMessage() {
    SigningKey key = new SigningKey("rfc8032-1", HEX.parseHex(RFC8032_SEED));

    assertThat(HEX.formatHex(key.sign(new byte[0]))).isEqualTo(RFC8032_SIGNATURE);
    assertThat(key.signText("")).isEqualTo(Base64Url.encode(HEX.parseHex(RFC8032_SIGNATURE)));
  }

  @Test
  void shouldVerifyTheRfc8032SignatureWithThePublicKeyAlone() {
    PublicKey publicKey = new PublicKey("rfc8032-1", HEX.parseHex(RFC8032_PUBLIC));

    assertThat(publicKey.verify(new byte[0], HEX.parseHex(RFC8032_SIGNATURE))).isTrue();
    assertThat(publicKey.verifyText("", Base64Url.encode(HEX.parseHex(RFC8032_SIGNATURE))))
        .isTrue();
    assertThat(publicKey.verify(new byte[] {0}, HEX.parseHex(RFC8032_SIGNATURE))).isFalse();
  }

  @Test
  void shouldRejectTamperedOrMalformedSignatures() {
    SigningKey key = SigningKey.generate("k");
    byte[] message = "sha256:abc".getBytes(StandardCharsets.UTF_8);
    byte[] signature = key.sign(message);
    signature[10] ^= 1;

    assertThat(key.publicKey().verify(message, signature)).isFalse();
    assertThat(key.publicKey().verify(message, new byte[63])).isFalse();
    assertThat(key.publicKey().verifyText("sha256:abc", "not base64 !!")).isFalse();
  }

  @Test
  void shouldNotVerifyWithAnotherKey() {
    SigningKey one = SigningKey.generate("one");
    SigningKey two = SigningKey.generate("two");

    assertThat(two.publicKey().verifyText("x", one.signText("x"))).isFalse();
    assertThat(one.publicKey().verifyText("x", one.signText("x"))).isTrue();
  }

  @Test
  void shouldRejectSeedsOfTheWrongLengthWithAHint() {
    assertThatThrownBy(() -> new SigningKey("k", new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("./signet keygen");
    assertThatThrownBy(() -> new SigningKey(" ", new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldNotExposeItsSeedArray() {
    SigningKey key = new SigningKey("k", HEX.parseHex(RFC8032_SEED));
    key.seed()[0] = 0;

    assertThat(HEX.formatHex(key.seed())).isEqualTo(RFC8032_SEED);
  }
}
