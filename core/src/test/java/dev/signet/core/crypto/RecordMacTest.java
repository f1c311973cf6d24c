package dev.signet.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.message.SignetHeaders;
import dev.signet.core.topic.MacStampingSerializer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class RecordMacTest {

  private static final ServerSecret SECRET =
      ServerSecret.parse("c2lnbmV0LXRlc3Qtc2VjcmV0LTMyLWJ5dGVzLWxvbmch");
  private static final byte[] VALUE = "{\"units\":5}".getBytes(StandardCharsets.UTF_8);

  private final RecordMac overage = new RecordMac(SECRET, "overage/v1", SignetHeaders.RECORD_MAC);

  @Test
  void shouldVerifyOnlyTheStampedBytes() {
    RecordHeaders headers = new RecordHeaders();
    overage.stamp(headers, VALUE);

    assertThat(overage.verify(headers, VALUE)).isTrue();
    assertThat(overage.verify(headers, "{\"units\":6}".getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void shouldNotAcceptAMacMadeForAnotherPurposeOrWithAnotherSecret() {
    RecordHeaders headers = new RecordHeaders();
    new RecordMac(SECRET, "reserved-config/v1", SignetHeaders.RECORD_MAC).stamp(headers, VALUE);
    assertThat(overage.verify(headers, VALUE)).isFalse();

    RecordHeaders forged = new RecordHeaders();
    new RecordMac(
            ServerSecret.parse("b3RoZXItc2VjcmV0LW9mLWF0LWxlYXN0LTMyLWJ5dGVzISE"),
            "overage/v1",
            SignetHeaders.RECORD_MAC)
        .stamp(forged, VALUE);
    assertThat(overage.verify(forged, VALUE)).isFalse();
  }

  @Test
  void shouldRefuseMissingOrGarbledHeaders() {
    assertThat(overage.verify(new RecordHeaders(), VALUE)).isFalse();
    RecordHeaders garbled = new RecordHeaders();
    garbled.add(SignetHeaders.RECORD_MAC, "not base64!".getBytes(StandardCharsets.US_ASCII));
    assertThat(overage.verify(garbled, VALUE)).isFalse();
  }

  @Test
  void shouldReplaceAForgedHeaderWhenStamping() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(SignetHeaders.RECORD_MAC, "Zm9yZ2Vk".getBytes(StandardCharsets.US_ASCII));
    overage.stamp(headers, VALUE);

    assertThat(headers.headers(SignetHeaders.RECORD_MAC)).hasSize(1);
    assertThat(overage.verify(headers, VALUE)).isTrue();
  }

  @Test
  void shouldStampWhatTheSerializerWrites() {
    MacStampingSerializer<String> serializer =
        new MacStampingSerializer<>(new StringSerializer(), overage);
    RecordHeaders headers = new RecordHeaders();

    byte[] bytes = serializer.serialize("t", headers, "{\"units\":5}");

    assertThat(overage.verify(headers, bytes)).isTrue();
    assertThatThrownBy(() -> serializer.serialize("t", "x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
