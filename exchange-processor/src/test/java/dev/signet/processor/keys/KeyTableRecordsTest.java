package dev.signet.processor.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.tenant.ApiKeys;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class KeyTableRecordsTest {

  private static final ServerSecret SECRET =
      ServerSecret.parse("dGVzdC1zZXJ2ZXItc2VjcmV0LW9mLWF0LWxlYXN0LTMyLWJ5dGVz");
  private static final ApiKeys TABLE =
      ApiKeys.parse(
          "{\"key-b\":{\"tenant\":\"acme\",\"stripe_customer\":\"cus_1\",\"scopes\":[\"exchange\"]},"
              + "\"key-a\":{\"tenant\":\"acme\",\"stripe_customer\":\"cus_2\",\"fu_monthly_limit\":7}}");

  private final KeyTableRecords records = new KeyTableRecords(SECRET);

  @Test
  void shouldCarryTheTableInFileOrderWithDigestsOnly() {
    ProducerRecord<String, byte[]> record = records.announcement("requests", 3, TABLE);

    assertThat(record.partition()).isEqualTo(3);
    assertThat(KeyTableRecords.isControl(record.headers())).isTrue();
    assertThat(new String(record.value(), StandardCharsets.UTF_8))
        .doesNotContain("key-a")
        .doesNotContain("key-b");
    ApiKeys read = records.read(record.headers(), record.value()).orElseThrow();
    assertThat(read.byKeyDigest()).isEqualTo(TABLE.byKeyDigest());
    assertThat(read.authenticate("key-a")).isEqualTo(TABLE.authenticate("key-a"));
    assertThat(read.configsOf("acme").get(0).stripeCustomer()).isEqualTo("cus_1");
  }

  @Test
  void shouldRefuseATableWhoseBytesOrMacWereChanged() {
    ProducerRecord<String, byte[]> record = records.announcement("requests", 0, TABLE);
    byte[] tampered = record.value().clone();
    tampered[tampered.length - 3] ^= 1;

    assertThat(records.read(record.headers(), tampered)).isEmpty();
    assertThat(
            new KeyTableRecords(
                    ServerSecret.parse("b3RoZXItc2VjcmV0LW9mLWF0LWxlYXN0LTMyLWJ5dGVzLTEyMzQ"))
                .read(record.headers(), record.value()))
        .isEmpty();
  }

  @Test
  void shouldRefuseAnotherControlKindEvenWithAValidMac() {
    ProducerRecord<String, byte[]> record = records.announcement("requests", 0, TABLE);
    Headers other = new RecordHeaders(record.headers().toArray());
    other.remove(SignetHeaders.CONTROL);
    other.add(SignetHeaders.CONTROL, "pause/v1".getBytes(StandardCharsets.US_ASCII));

    assertThat(KeyTableRecords.isControl(other)).isTrue();
    assertThat(records.read(other, record.value())).isEmpty();
  }
}
