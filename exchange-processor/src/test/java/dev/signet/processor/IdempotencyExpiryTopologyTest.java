package dev.signet.processor;

import static dev.signet.processor.ExchangeTopologyTest.invoiceArguments;
import static dev.signet.processor.ExchangeTopologyTest.invoiceRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.tenant.ApiKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Idempotency entries expire through the real topology's punctuation and time index. */
class IdempotencyExpiryTopologyTest {

  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
  private Instant clock = START;
  private static final Duration RETENTION = Duration.ofHours(1);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> requests;
  private TestDrivers.Results results;

  @BeforeEach
  void setUp() {
    ExchangeTopology topology =
        new ExchangeTopology(
            new ExchangeTopology.Settings(
                ApiKeys.parse("{\"demo_key\":{\"tenant\":\"demo\"}}"),
                SigningKey.generate("test-kid"),
                ExchangeTopologyTest.SECRET,
                Admission.Limits.defaults(),
                RETENTION,
                1),
            meters);
    driver = TestDrivers.start(topology, START);
    requests = TestDrivers.requests(driver);
    results = TestDrivers.results(driver);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private boolean sendAndReadReplayFlag() {
    RecordHeaders headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.API_KEY, "demo_key");
    SignetHeaders.put(headers, SignetHeaders.IDEMPOTENCY_KEY, "k1");
    requests.pipeInput(
        new TestRecord<>(
            "t1",
            Json.toBytes(invoiceRequest("t1", invoiceArguments("1", "EUR"))),
            headers,
            clock));
    ExchangeResult result = results.readValue();
    assertThat(result.status()).isEqualTo(200);
    return result.idempotencyHit();
  }

  private List<Bytes> timeIndexRows() {
    KeyValueStore<Bytes, byte[]> index =
        driver.getKeyValueStore(ExchangeTopology.IDEMPOTENCY_EXPIRY_INDEX_STORE);
    List<Bytes> rows = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> all = index.all()) {
      // Bookkeeping markers sit under an all-0xFF prefix, after every time.
      all.forEachRemaining(
          row -> {
            if (row.key.get()[0] != -1) {
              rows.add(row.key);
            }
          });
    }
    return rows;
  }

  /** Wall clock and record time move together, as they do with the broker stamping records. */
  private void advance(Duration duration) {
    clock = clock.plus(duration);
    driver.advanceWallClockTime(duration);
  }

  private double expired() {
    return meters.get("signet_processor_idempotency_expired").counter().count();
  }

  @Test
  void shouldReplayWithinRetentionAndIssueAgainOnceTheEntryExpired() {
    assertThat(sendAndReadReplayFlag()).isFalse();
    assertThat(timeIndexRows()).hasSize(1);

    advance(RETENTION.minusMinutes(1));
    assertThat(sendAndReadReplayFlag()).isTrue();

    // Past its retention by record time: a new answer, whether or not a sweep ran; the old entry
    // and its index row go, the new one has its own row.
    advance(Duration.ofMinutes(2));
    assertThat(sendAndReadReplayFlag()).isFalse();
    assertThat(expired()).isEqualTo(1);
    assertThat(timeIndexRows()).hasSize(1);

    // The sweep deletes only what is past retention and the grace, by the wall clock.
    advance(RETENTION);
    assertThat(timeIndexRows()).hasSize(1);
    advance(ExchangeNode.SWEEP_GRACE.plusMinutes(1));
    assertThat(timeIndexRows()).isEmpty();
    assertThat(expired()).isEqualTo(2);
  }

  @Test
  void shouldNotLetTheSweepDecideWhetherARetryIsReplayed() {
    assertThat(sendAndReadReplayFlag()).isFalse();
    // The wall clock ran past retention (a sweep ran) but the retry's record time is within it:
    // a replay, as a replay of the same record after an abort would also answer.
    driver.advanceWallClockTime(RETENTION.plusMinutes(5));
    clock = clock.plus(RETENTION.minusMinutes(1));
    assertThat(sendAndReadReplayFlag()).isTrue();
  }
}
