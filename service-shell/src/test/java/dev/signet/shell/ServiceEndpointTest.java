package dev.signet.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.json.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceEndpointTest {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private ServiceEndpoint endpoint;

  @BeforeEach
  void start() {
    endpoint =
        ServiceEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), registry);
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  @Test
  void shouldServeHealthAndMetricsOverHttp() throws Exception {
    registry.counter("signet_test_things").increment(3);
    AtomicReference<KafkaStreams.State> state =
        new AtomicReference<>(KafkaStreams.State.REBALANCING);

    // Before the service has started: alive, not ready.
    assertThat(get("/healthz/live").statusCode()).isEqualTo(200);
    assertThat(get("/healthz/ready").statusCode()).isEqualTo(503);

    endpoint.register("streams", StreamsHealth.of(state::get));

    HttpResponse<String> rebalancing = get("/healthz");
    assertThat(rebalancing.statusCode()).isEqualTo(503);
    assertThat(rebalancing.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(Json.parse(rebalancing.body()))
        .isEqualTo(
            Json.parse(
                "{\"status\":\"DOWN\",\"checks\":{\"streams\":{\"status\":\"DOWN\",\"state\":\"REBALANCING\"}}}"));
    assertThat(get("/healthz/live").statusCode()).isEqualTo(200);

    state.set(KafkaStreams.State.RUNNING);

    HttpResponse<String> running = get("/healthz/ready");
    assertThat(running.statusCode()).isEqualTo(200);
    assertThat(Json.parse(running.body()))
        .isEqualTo(
            Json.parse(
                "{\"status\":\"UP\",\"checks\":{\"streams\":{\"status\":\"UP\",\"state\":\"RUNNING\"}}}"));
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/healthz/live").statusCode()).isEqualTo(200);

    state.set(KafkaStreams.State.ERROR);

    HttpResponse<String> failed = get("/healthz/live");
    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(Json.parse(failed.body()).path("checks").path("streams").path("state").asText())
        .isEqualTo("ERROR");

    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(metrics.body()).contains("signet_test_things_total 3.0");
  }

  @Test
  void shouldAnswerTheSpringBootProbePathsLikeTheIngress() throws Exception {
    endpoint.register("sink", SinkHealth.of(() -> true));

    assertThat(get("/healthz/liveness").statusCode()).isEqualTo(200);
    assertThat(get("/healthz/readiness").statusCode()).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/healthz/other", "/metricsx", "/"})
  void shouldAnswer404ToOtherPaths(String path) throws Exception {
    assertThat(get(path).statusCode()).isEqualTo(404);
  }

  @Test
  void shouldRefuseMethodsOtherThanGetAndHead() throws Exception {
    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(uri("/healthz"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void shouldTakeThePortFromTheEnvironment() {
    assertThat(ServiceEndpoint.port(Map.of())).isEqualTo(9404);
    assertThat(ServiceEndpoint.port(Map.of("SP_METRICS_PORT", " "))).isEqualTo(9404);
    assertThat(ServiceEndpoint.port(Map.of("SP_METRICS_PORT", "9500"))).isEqualTo(9500);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"abc", "0", "65536", "-1"})
  void shouldNameTheVariableWhenThePortIsInvalid(String value) {
    assertThatThrownBy(() -> ServiceEndpoint.port(Map.of("SP_METRICS_PORT", value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_METRICS_PORT")
        .hasMessageContaining(value);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + endpoint.address().getPort() + path);
  }
}
