package dev.signet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamsHealthTest {

  @ParameterizedTest(name = "{0}: live={1}, ready={2}")
  @CsvSource({
    "CREATED,          true,  false",
    "REBALANCING,      true,  false",
    "RUNNING,          true,  true",
    "PENDING_SHUTDOWN, true,  false",
    "PENDING_ERROR,    false, false",
    "ERROR,            false, false",
    "NOT_RUNNING,      false, false"
  })
  void shouldMapEachStreamsStateToLivenessAndReadiness(
      KafkaStreams.State state, boolean live, boolean ready) {
    Health health = StreamsHealth.of(() -> state).check();

    assertThat(health.live()).isEqualTo(live);
    assertThat(health.ready()).isEqualTo(ready);
    assertThat(health.state()).isEqualTo(state.name());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ERROR", "NOT_RUNNING"})
  void shouldAnswer503ToLivenessForAStreamsClientThatStoppedForGood(KafkaStreams.State state) {
    HealthReport live =
        HealthReport.of(Probe.LIVE, Map.of("streams", StreamsHealth.of(() -> state)));

    assertThat(live.statusCode()).isEqualTo(503);
    assertThat(live.body())
        .containsEntry("status", "DOWN")
        .containsEntry(
            "checks", Map.of("streams", Map.of("status", "DOWN", "state", state.name())));
  }

  @Test
  void shouldSeeARealClosedStreamsClientAsNotLive(@TempDir Path stateDir) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");
    Properties properties = new Properties();
    properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "health-test");
    // Never contacted: the client is closed before it starts.
    properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    properties.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    properties.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    KafkaStreams streams = new KafkaStreams(builder.build(), properties);
    StreamsHealth health = StreamsHealth.of(streams::state);
    Map<String, HealthCheck> checks = Map.of("streams", health);

    assertThat(HealthReport.of(Probe.LIVE, checks).statusCode()).as("CREATED").isEqualTo(200);
    assertThat(HealthReport.of(Probe.READY, checks).statusCode()).as("CREATED").isEqualTo(503);

    streams.close(Duration.ofSeconds(10));

    assertThat(streams.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
    assertThat(HealthReport.of(Probe.LIVE, checks).statusCode()).isEqualTo(503);
  }
}
