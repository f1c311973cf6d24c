package dev.signet.launcher;

import dev.signet.billing.BillingApp;
import dev.signet.cli.SignetCli;
import dev.signet.ingress.IngressApplication;
import dev.signet.launcher.bench.Bench;
import dev.signet.processor.ExchangeProcessorApp;
import dev.signet.store.ReceiptStoreApp;
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
                        serve Prometheus /metrics on SP_METRICS_PORT, default 9404)
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
        serveMetrics();
        ExchangeProcessorApp.main(rest);
      }
      case "billing" -> {
        serveMetrics();
        BillingApp.main(rest);
      }
      case "receipt-store" -> {
        serveMetrics();
        ReceiptStoreApp.main(rest);
      }
      default -> {
        if (args.length <= 1 && (command.equals("help") || command.equals("-h") || command.equals("--help"))) {
          System.out.println(SERVICES_HELP);
          args = new String[] {"--help"};
        }
        SignetCli.main(args);
      }
    }
  }

  private static void serveMetrics() {
    String port = System.getenv("SP_METRICS_PORT");
    MetricsEndpoint.start(port == null || port.isBlank() ? MetricsEndpoint.DEFAULT_PORT : Integer.parseInt(port.strip()));
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
