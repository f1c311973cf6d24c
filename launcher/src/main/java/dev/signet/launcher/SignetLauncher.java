package dev.signet.launcher;

import dev.signet.billing.BillingApp;
import dev.signet.cli.SignetCli;
import dev.signet.ingress.IngressApplication;
import dev.signet.launcher.bench.Bench;
import dev.signet.launcher.endpoint.HealthCheckCommand;
import dev.signet.launcher.endpoint.ServiceEndpoint;
import dev.signet.launcher.endpoint.SinkHealth;
import dev.signet.launcher.endpoint.StreamsHealth;
import dev.signet.processor.ExchangeProcessorApp;
import dev.signet.store.ReceiptStoreApp;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The one Signet executable. {@code up} runs the whole pipeline locally, {@code bench} measures
 * it, {@code ingress|processor|billing|receipt-store} run one service (how the compose file and
 * Kubernetes run it), anything else is the offline CLI ({@code verify}, {@code keygen}, …).
 */
public final class SignetLauncher {

  private static final String SERVICES_HELP = """
      Pipeline commands:
        up              run the whole pipeline locally (embedded Kafka and PostgreSQL, port 8088)
        bench           measure it: signet bench [async|sync|all] --help for options
        ingress | processor | billing | receipt-store
                        run one service, configured from the SP_* environment (the last three
                        serve /metrics and /healthz[/live|/ready] on SP_METRICS_PORT, default 9404)
        healthcheck [URL]
                        exit 0 if GET URL answers 2xx, else 1 (for container health checks;
                        default http://127.0.0.1:$SP_METRICS_PORT/healthz)
      """;

  private SignetLauncher() {}

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "help" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    switch (command) {
      case "up" -> up();
      case "bench" -> Bench.main(rest);
      case "ingress" -> IngressApplication.main(rest);
      case "processor" -> {
        ServiceEndpoint endpoint = serveEndpoint();
        try (endpoint) {
          ExchangeProcessorApp.run(service -> endpoint.register("streams", StreamsHealth.of(service::state)));
        }
      }
      case "billing" -> {
        ServiceEndpoint endpoint = serveEndpoint();
        try (endpoint) {
          BillingApp.run(service -> endpoint.register("streams", StreamsHealth.of(service::state)));
        }
      }
      case "receipt-store" -> {
        ServiceEndpoint endpoint = serveEndpoint();
        try {
          // Blocks while the sink runs and exits the process with status 1 if it fails, so that
          // compose restarts it as Kubernetes' liveness probe would.
          ReceiptStoreApp.run(sink -> endpoint.register("sink", SinkHealth.of(sink::isRunning).withDetail("lag", sink::lag)));
        } catch (RuntimeException e) {
          endpoint.close();
          throw e;
        }
      }
      case "healthcheck" -> System.exit(HealthCheckCommand.run(rest, System.getenv(), System.out));
      default -> {
        if (args.length <= 1 && (command.equals("help") || command.equals("-h") || command.equals("--help"))) {
          System.out.println(SERVICES_HELP);
          args = new String[] {"--help"};
        }
        SignetCli.main(args);
      }
    }
  }

  /** {@code /metrics} and {@code /healthz} for a service without a web server, before it starts. */
  private static ServiceEndpoint serveEndpoint() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // The services report to the global registry; this one joins it.
    Metrics.addRegistry(registry);
    return ServiceEndpoint.start(new InetSocketAddress(ServiceEndpoint.port(System.getenv())), registry);
  }

  private static void up() throws InterruptedException {
    LocalMode local = LocalMode.start(System.getenv());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("Stopping Signet…");
      local.close();
      stopped.countDown();
    }, "signet-shutdown"));
    String apiKeys = System.getenv("SP_API_KEYS");
    System.out.println(local.banner(apiKeys == null || apiKeys.isBlank()));
    stopped.await();
  }
}
