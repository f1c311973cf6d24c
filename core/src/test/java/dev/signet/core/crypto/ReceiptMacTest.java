package dev.signet.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReceiptMacTest {

  private final ServerSecret secret = ServerSecret.derivedFrom(SigningKey.generate("k1"));
  private final byte[] value = "{\"trace_id\":\"t\",\"hop\":1}".getBytes(StandardCharsets.UTF_8);

  @Test
  void shouldVerifyTheMacItMadeOfTheSameBytes() {
    ReceiptMac mac = new ReceiptMac(secret);

    assertThat(new ReceiptMac(secret).verify(value, mac.sign(value))).isTrue();
  }

  @Test
  void shouldRefuseOtherBytesAnotherSecretOrAMalformedMac() {
    ReceiptMac mac = new ReceiptMac(secret);
    String tag = mac.sign(value);
    byte[] changed = value.clone();
    changed[changed.length - 2] = '2';

    assertThat(mac.verify(changed, tag)).isFalse();
    assertThat(
            new ReceiptMac(ServerSecret.derivedFrom(SigningKey.generate("k2"))).verify(value, tag))
        .isFalse();
    assertThat(mac.verify(value, null)).isFalse();
    assertThat(mac.verify(value, tag + "=")).isFalse();
    assertThat(mac.verify(value, tag.replace('-', '+').replace('_', '/')))
        .isEqualTo(tag.equals(tag.replace('-', '+').replace('_', '/')));
  }
}
