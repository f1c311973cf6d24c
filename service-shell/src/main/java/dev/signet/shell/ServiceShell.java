package dev.signet.shell;

import dev.signet.core.config.Env;
import dev.signet.core.metrics.MeterRegistrationFailures;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Service} as its own process: serves {@code /metrics} and {@code /healthz} on
 * {@code SP_METRICS_PORT} from before the service starts, starts it, registers its health, blocks
 * until it stops, and exits 1 if it failed so that the supervisor (compose, Kubernetes) restarts
 * it. The mains are "read config, build the service, {@link #runMain}".
 */
public final class ServiceShell implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServiceShell.class);

  private final CompositeMeterRegistry root;
  private final PrometheusMeterRegistry prometheus;
  private final ServiceEndpoint endpoint;
  private volatile Service service;

  private ServiceShell(
      CompositeMeterRegistry root, PrometheusMeterRegistry prometheus, ServiceEndpoint endpoint) {
    this.root = root;
    this.prometheus = prometheus;
    this.endpoint = endpoint;
  }

  /**
   * Serves at once (live, not ready). {@code /metrics} shows every meter reported to {@code root}:
   * for a process, the global registry, so whatever else a deployment adds to it sees them too.
   */
  public static ServiceShell open(InetSocketAddress address, CompositeMeterRegistry root) {
    PrometheusMeterRegistry prometheus = prometheusRegistry();
    ServiceEndpoint endpoint = ServiceEndpoint.start(address, prometheus);
    root.add(prometheus);
    return new ServiceShell(root, prometheus, endpoint);
  }

  /**
   * The registry behind a process's {@code /metrics}: Kafka Streams' state-store metrics under one
   * set of tag keys ({@link StateStoreMetricTags}), and any meter it still refuses counted.
   */
  public static PrometheusMeterRegistry prometheusRegistry() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    prometheus.config().meterFilter(new StateStoreMetricTags());
    MeterRegistrationFailures.watch(prometheus);
    return prometheus;
  }

  /**
   * The whole life of a service process, {@code build} given the registry to report to. Returns
   * when the service was closed (by the shutdown hook); exits the JVM with 1 when it failed.
   *
   * @param checkName the service's name in the {@code /healthz} body, e.g. {@code streams}
   */
  public static void runMain(
      String checkName, Env env, Function<MeterRegistry, ? extends Service> build)
      throws InterruptedException {
    ServiceShell shell =
        open(new InetSocketAddress(ServiceEndpoint.port(env)), Metrics.globalRegistry);
    Service.Termination termination;
    try {
      Service service = build.apply(shell.meters());
      Runtime.getRuntime()
          .addShutdownHook(new Thread(shell::close, "signet-" + checkName + "-shutdown"));
      termination = shell.run(checkName, service);
    } catch (RuntimeException e) {
      shell.close();
      throw e;
    }
    if (termination == Service.Termination.FAILED) {
      // From this thread, not the service's: the shutdown hook waits for the service's threads.
      log.error("{} stopped on an unrecoverable error; exiting with status 1", checkName);
      System.exit(1);
    }
  }

  /** Where services report: the root registry, which {@code /metrics} serves. */
  public MeterRegistry meters() {
    return root;
  }

  public ServiceEndpoint endpoint() {
    return endpoint;
  }

  /** Starts {@code service}, registers its health once started, and blocks until it stops. */
  public Service.Termination run(String checkName, Service service) throws InterruptedException {
    Objects.requireNonNull(checkName, "checkName");
    this.service = Objects.requireNonNull(service, "service");
    service.start();
    endpoint.register(checkName, service.health());
    return service.awaitTermination();
  }

  /** Closes the service, if any, then stops serving. */
  @Override
  public void close() {
    Service running = service;
    if (running != null) {
      running.close();
    }
    endpoint.close();
    root.remove(prometheus);
    prometheus.close();
  }
}
