package dev.signet.processor.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.tenant.ApiKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KeyTableAnnouncerTest {

  private static final ServerSecret SECRET =
      ServerSecret.parse("dGVzdC1zZXJ2ZXItc2VjcmV0LW9mLWF0LWxlYXN0LTMyLWJ5dGVz");
  private static final ApiKeys FIRST = ApiKeys.parse("{\"k1\":{\"tenant\":\"a\"}}");
  private static final ApiKeys SECOND =
      ApiKeys.parse("{\"k1\":{\"tenant\":\"a\"},\"k2\":{\"tenant\":\"b\"}}");

  private final AtomicReference<ApiKeys> file = new AtomicReference<>(FIRST);
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final KeyTableRecords records = new KeyTableRecords(SECRET);
  private final KeyTableAnnouncer announcer =
      new KeyTableAnnouncer(file::get, "requests", 3, records, producer, meters);

  private ApiKeys announcedOn(int index) {
    ProducerRecord<String, byte[]> sent = producer.history().get(index);
    return records.read(sent.headers(), sent.value()).orElseThrow();
  }

  private void acknowledgeAll() {
    while (producer.completeNext()) {
      // every pending send succeeds
    }
  }

  private double count(String result) {
    return meters
        .get("signet_processor_key_table_announcements")
        .tag("result", result)
        .counter()
        .count();
  }

  @Test
  void shouldAnnounceTheTableOnEveryPartitionAndBeReadyOnceAllAreWritten() throws Exception {
    announcer.tick();

    assertThat(producer.history()).extracting(ProducerRecord::partition).containsExactly(0, 1, 2);
    assertThat(announcedOn(2).byKeyDigest()).isEqualTo(FIRST.byKeyDigest());
    assertThat(announcer.health().check().ready()).isFalse();
    assertThat(announcer.awaitRunning(Duration.ZERO)).isFalse();

    acknowledgeAll();

    assertThat(announcer.health().check().ready()).isTrue();
    assertThat(announcer.awaitRunning(Duration.ZERO)).isTrue();
    assertThat(count("announced")).isEqualTo(1.0);
  }

  @Test
  void shouldAnnounceAgainOnlyWhenTheTableChanges() {
    announcer.tick();
    acknowledgeAll();
    announcer.tick();
    assertThat(producer.history()).hasSize(3);

    file.set(SECOND);
    announcer.tick();

    assertThat(producer.history()).hasSize(6);
    assertThat(announcedOn(5).byKeyDigest()).isEqualTo(SECOND.byKeyDigest());
  }

  @Test
  void shouldRetryATableWhoseAnnouncementFailedOnAnyPartition() {
    announcer.tick();
    producer.completeNext();
    producer.errorNext(new TimeoutException("broker away"));
    producer.completeNext();
    assertThat(count("failed")).isEqualTo(1.0);
    assertThat(announcer.health().check().ready()).isFalse();

    announcer.tick();
    acknowledgeAll();

    assertThat(producer.history()).hasSize(6);
    assertThat(announcer.health().check().ready()).isTrue();
  }

  @Test
  void shouldNotStartASecondRoundWhileOneIsInFlight() {
    announcer.tick();
    file.set(SECOND);
    announcer.tick();
    assertThat(producer.history()).hasSize(3);

    acknowledgeAll();
    announcer.tick();

    assertThat(producer.history()).hasSize(6);
  }
}
