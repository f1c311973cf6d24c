package dev.signet.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceShellTest {

  private final HttpClient client = HttpClient.newHttpClient();
  private final CompositeMeterRegistry root = new CompositeMeterRegistry();
  private ServiceShell shell;

  @BeforeEach
  void open() {
    shell = ServiceShell.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), root);
  }

  @AfterEach
  void close() {
    shell.close();
  }

  @Test
  void shouldServeHealthAndMetricsOfTheServiceItRuns() throws Exception {
    FakeService service = new FakeService();
    shell.meters().counter("signet_test_things_total").increment(3);

    assertThat(get("/healthz").statusCode()).as("before the service starts").isEqualTo(503);
    assertThat(get("/healthz/live").statusCode()).isEqualTo(200);

    CompletableFuture<Service.Termination> run = runInBackground(service);
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/healthz").statusCode() == 200);

    assertThat(get("/healthz").body()).contains("\"fake\"").contains("RUNNING");
    assertThat(get("/metrics").body()).contains("signet_test_things_total 3.0");

    shell.close();
    assertThat(run.get()).isEqualTo(Service.Termination.STOPPED);
    assertThat(service.closed.getCount()).isZero();
  }

  @Test
  void shouldReturnFailedWhenTheServiceFails() throws Exception {
    FakeService service = new FakeService();
    CompletableFuture<Service.Termination> run = runInBackground(service);
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/healthz").statusCode() == 200);

    service.fail();

    assertThat(run.get()).isEqualTo(Service.Termination.FAILED);
    assertThat(get("/healthz/live").statusCode()).isEqualTo(503);
  }

  @Test
  void shouldSeeAClosedStreamsServiceAsStoppedNotFailed(@TempDir Path stateDir) throws Exception {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");
    Properties properties = new Properties();
    properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "shell-test");
    // Never contacted: the client is closed before it starts.
    properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    properties.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    properties.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    StreamsService service = new StreamsService("test service", builder.build(), properties, root);

    assertThat(service.health().check().live()).isTrue();
    service.close();

    assertThat(service.awaitTermination()).isEqualTo(Service.Termination.STOPPED);
    assertThat(service.awaitRunning(Duration.ofMillis(10))).isFalse();
    assertThat(service.health().check().live()).isFalse();
  }

  private CompletableFuture<Service.Termination> runInBackground(Service service) {
    CompletableFuture<Service.Termination> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(shell.run("fake", service));
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "shell-test-run");
    thread.start();
    return result;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + shell.endpoint().address().getPort() + path);
    return client.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A service whose life the test decides. */
  private static final class FakeService implements Service {
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicReference<Termination> termination = new AtomicReference<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    @Override
    public Service start() {
      return this;
    }

    @Override
    public boolean awaitRunning(Duration timeout) {
      return termination.get() == null;
    }

    @Override
    public Termination awaitTermination() throws InterruptedException {
      ended.await();
      return termination.get();
    }

    @Override
    public HealthCheck health() {
      return () -> termination.get() == null ? Health.ready("RUNNING") : Health.failed("FAILED");
    }

    void fail() {
      termination.compareAndSet(null, Termination.FAILED);
      ended.countDown();
    }

    @Override
    public void close() {
      termination.compareAndSet(null, Termination.STOPPED);
      closed.countDown();
      ended.countDown();
    }
  }
}
