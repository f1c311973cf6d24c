package dev.signet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthCheckCommandTest {

  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
  private final AtomicBoolean running = new AtomicBoolean(true);
  private ServiceEndpoint endpoint;

  @BeforeEach
  void start() {
    endpoint =
        ServiceEndpoint.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    endpoint.register("sink", SinkHealth.of(running::get));
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  @Test
  void shouldExitZeroWhenTheUrlAnswers200() {
    int exit = HealthCheckCommand.run(new String[] {url("/healthz")}, Map.of(), out);

    assertThat(exit).isZero();
    assertThat(printed()).startsWith("200 {\"status\":\"UP\"");
  }

  @Test
  void shouldExitOneWhenTheUrlAnswers503() {
    running.set(false);

    int exit = HealthCheckCommand.run(new String[] {url("/healthz/live")}, Map.of(), out);

    assertThat(exit).isEqualTo(1);
    assertThat(printed()).startsWith("503 {\"status\":\"DOWN\"");
  }

  @Test
  void shouldExitOneWhenNothingListens() {
    String url = url("/healthz");
    endpoint.close();

    assertThat(HealthCheckCommand.run(new String[] {url}, Map.of(), out)).isEqualTo(1);
    assertThat(printed()).startsWith("healthcheck: " + url);
  }

  @Test
  void shouldCheckTheLocalHealthzOnSpMetricsPortByDefault() {
    Map<String, String> environment =
        Map.of("SP_METRICS_PORT", Integer.toString(endpoint.address().getPort()));

    assertThat(HealthCheckCommand.run(new String[0], environment, out)).isZero();
  }

  @Test
  void shouldExitTwoOnBadUsage() {
    assertThat(HealthCheckCommand.run(new String[] {"--help"}, Map.of(), out)).isEqualTo(2);
    assertThat(HealthCheckCommand.run(new String[] {"a", "b"}, Map.of(), out)).isEqualTo(2);
    assertThat(HealthCheckCommand.run(new String[] {"not a uri"}, Map.of(), out)).isEqualTo(2);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + endpoint.address().getPort() + path;
  }

  private String printed() {
    return output.toString(StandardCharsets.UTF_8);
  }
}
