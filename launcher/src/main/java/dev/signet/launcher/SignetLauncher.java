package dev.signet.launcher;

import dev.signet.billing.BillingApp;
import dev.signet.cli.SignetCli;
import dev.signet.core.config.Env;
import dev.signet.ingress.IngressApplication;
import dev.signet.launcher.bench.Bench;
import dev.signet.launcher.chaos.Chaos;
import dev.signet.launcher.chaos.ChaosInfrastructure;
import dev.signet.launcher.endpoint.HealthCheckCommand;
import dev.signet.processor.ExchangeProcessorApp;
import dev.signet.store.ReceiptStoreApp;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The one Signet executable. {@code up} runs the whole pipeline locally, {@code bench} measures it,
 * {@code ingress|processor|billing|receipt-store} run one service (how the compose file and
 * Kubernetes run it), anything else is the offline CLI ({@code verify}, {@code keygen}, …).
 */
public final class SignetLauncher {

  private static final String SERVICES_HELP =
      """
      Pipeline commands:
        up              run the whole pipeline locally (embedded Kafka and PostgreSQL, port 8088)
        bench           measure it: signet bench [all|first-minute|async|sync|repair] --help for options
        chaos [--exchanges N] [--seed S]
                        fault-injection run over separate processes (kill -9 of each service,
                        a broker restart, a PostgreSQL outage); checks nothing was lost,
                        duplicated or forked and writes docs/reliability.md
        ingress | processor | billing | receipt-store
                        run one service, configured from the SP_* environment (the last three
                        serve /metrics and /healthz[/live|/ready] on SP_METRICS_PORT, default 9404)
        billing reconcile --period YYYY-MM
                        compare a month's receipts, totals, charges, push ledger and Stripe
        topics apply [--partitions N] [--replication-factor R] [--dry-run]
                        create the missing topics from the code's table, check the others
                        (compose's topics service and the k8s Job run it; SP_KAFKA_BOOTSTRAP)
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
      case "chaos" -> Chaos.main(rest);
      // The chaos run's broker and PostgreSQL, each in a JVM of its own so it can be restarted.
      case "chaos-broker" -> ChaosInfrastructure.broker(rest);
      case "chaos-postgres" -> ChaosInfrastructure.postgres(rest);
      case "ingress" -> IngressApplication.main(rest);
      // Each serves /metrics and /healthz on SP_METRICS_PORT itself (the service shell), blocks
      // while it runs and exits 1 if it fails, so that compose or Kubernetes restarts it.
      case "processor" -> ExchangeProcessorApp.main(rest);
      // "billing reconcile" (any billing subcommand) is the CLI's; bare "billing" runs the service.
      case "billing" -> {
        if (rest.length > 0) {
          SignetCli.main(args);
        } else {
          BillingApp.main(rest);
        }
      }
      case "receipt-store" -> ReceiptStoreApp.main(rest);
      case "healthcheck" -> System.exit(HealthCheckCommand.run(rest, Env.system(), System.out));
      default -> {
        if (args.length <= 1
            && (command.equals("help") || command.equals("-h") || command.equals("--help"))) {
          System.out.println(SERVICES_HELP);
          args = new String[] {"--help"};
        }
        SignetCli.main(args);
      }
    }
  }

  private static void up() throws InterruptedException {
    Env env = Env.system();
    LocalMode local = LocalMode.start(env);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Stopping Signet…");
                  local.close();
                  stopped.countDown();
                },
                "signet-shutdown"));
    System.out.println(local.banner(env.optional("SP_API_KEYS") == null));
    stopped.await();
  }
}
