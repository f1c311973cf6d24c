package dev.signet.processor;

import static dev.signet.processor.ExchangeTopologyTest.invoiceArguments;
import static dev.signet.processor.ExchangeTopologyTest.invoiceRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.topic.Topics;
import dev.signet.processor.keys.KeyTableRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A key table announced on the requests log replaces the task's table for the records after it, and
 * only an announcement carrying the processor's MAC does.
 */
class KeyTableTopologyTest {

  private static final Instant START = Instant.parse("2026-12-06T10:00:00Z");
  private static final ApiKeys AT_START = ApiKeys.parse("{\"demo_key\":{\"tenant\":\"demo\"}}");
  private static final ApiKeys RELOADED =
      ApiKeys.parse(
          "{\"new_key\":{\"tenant\":\"acme\",\"allowlist\":[\"api.example.com\"]},"
              + "\"demo_key\":{\"tenant\":\"demo\"}}");

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> requests;
  private TestDrivers.Results results;
  private int traces;

  @BeforeEach
  void start() {
    driver =
        TestDrivers.start(
            new ExchangeTopology(
                new ExchangeTopology.Settings(
                    AT_START,
                    SigningKey.generate("test-kid"),
                    ExchangeTopologyTest.SECRET,
                    Admission.Limits.defaults(),
                    Duration.ofHours(24),
                    1),
                meters),
            START);
    requests = TestDrivers.requests(driver);
    results = TestDrivers.results(driver);
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private ExchangeResult exchange(String apiKey) {
    String trace = "t-" + ++traces;
    RecordHeaders headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.API_KEY, apiKey);
    requests.pipeInput(
        new TestRecord<>(
            trace,
            Json.toBytes(invoiceRequest(trace, invoiceArguments("1", "EUR"))),
            headers,
            START));
    return results.readValue();
  }

  private void announce(ServerSecret secret, ApiKeys table) {
    ProducerRecord<String, byte[]> record =
        new KeyTableRecords(secret).announcement(Topics.EXCHANGE_REQUESTS.name(), 0, table);
    requests.pipeInput(new TestRecord<>(null, record.value(), record.headers(), START));
  }

  @Test
  void shouldJudgeByTheTableItStartedWithUntilATableIsAnnounced() {
    assertThat(exchange("demo_key").status()).isEqualTo(200);
    assertThat(exchange("new_key").code()).isEqualTo("AUTH_INVALID");
  }

  @Test
  void shouldAcceptAKeyFromTheRecordAfterItsTableWasAnnouncedAndRefuseARemovedOne() {
    announce(ExchangeTopologyTest.SECRET, RELOADED);

    ExchangeResult accepted = exchange("new_key");
    assertThat(accepted.status()).isEqualTo(200);
    assertThat(accepted.body().tree().at("/receipt/tenant").asText()).isEqualTo("acme");

    announce(ExchangeTopologyTest.SECRET, ApiKeys.parse("{\"new_key\":{\"tenant\":\"acme\"}}"));
    assertThat(exchange("demo_key").code()).isEqualTo("AUTH_INVALID");
    assertThat(exchange("new_key").status()).isEqualTo(200);
    assertThat(results.isEmpty()).as("an announcement answers nobody").isTrue();
  }

  @Test
  void shouldIgnoreATableAnnouncedWithoutTheProcessorsSecret() {
    ServerSecret forger =
        ServerSecret.parse("Zm9yZ2VkLXNlY3JldC1vZi1hdC1sZWFzdC0zMi1ieXRlcy0xMjM0NQ");

    announce(forger, RELOADED);

    assertThat(exchange("new_key").code()).isEqualTo("AUTH_INVALID");
    assertThat(exchange("demo_key").status()).isEqualTo(200);
    assertThat(meters.get("signet_processor_control_records_refused").counter().count())
        .isEqualTo(1.0);
    assertThat(TestDrivers.rawOutput(driver, Topics.EXCHANGE_DLQ).isEmpty()).isTrue();
  }
}
