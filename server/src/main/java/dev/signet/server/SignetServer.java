package dev.signet.server;

import dev.signet.billing.BillingApp;
import dev.signet.cli.SignetCli;
import dev.signet.core.config.Env;
import dev.signet.ingress.IngressApplication;
import dev.signet.processor.ExchangeProcessorApp;
import dev.signet.shell.HealthCheckCommand;
import dev.signet.store.ReceiptStoreApp;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code signet} command as deployed: one service per process ({@code
 * ingress|processor|billing|receipt-store}), the release steps ({@code migrate}, {@code topics
 * apply}), {@code healthcheck}, and the offline CLI. It carries no local-mode parts (embedded
 * broker, embedded PostgreSQL, stubs): those stay in the launcher, which adds {@code up} and {@code
 * bench} in front of this.
 */
public final class SignetServer {

  /** The commands this adds to the CLI's, for {@code signet help}. */
  public static final String SERVICES_HELP =
      """
      Service commands:
        ingress | processor | billing | receipt-store
                        run one service, configured from the SP_* environment (the last three
                        serve /metrics and /healthz[/live|/ready] on SP_METRICS_PORT, default 9404)
        billing reconcile --period YYYY-MM
                        compare a month's receipts, totals, charges, push ledger and Stripe
        migrate         bring the PostgreSQL schemas (receipt store, billing ledger) up to date
                        and exit (SP_POSTGRES_URL, SP_POSTGRES_USER, SP_POSTGRES_PASSWORD)
        topics apply [--partitions N] [--replication-factor R] [--dry-run]
                        create the missing topics from the code's table, check the others
                        (compose's topics service, the k8s Job and fly's release step run it)
        release [topics apply options]
                        migrate, then topics apply: one release step for platforms that run a
                        single command before a deploy (fly's release_command)
        healthcheck [URL]
                        exit 0 if GET URL answers 2xx, else 1 (for container health checks;
                        default http://127.0.0.1:$SP_METRICS_PORT/healthz)
      """;

  private SignetServer() {}

  /**
   * {@code migrate}, then {@code topics apply} with the given options; the first failure wins, so a
   * release whose schema cannot be migrated touches no topic.
   */
  static int release(String[] topicsApplyOptions, Env env, PrintStream out) {
    int migrated = MigrateCommand.run(new String[0], env, out);
    if (migrated != 0) {
      return migrated;
    }
    String[] args = new String[topicsApplyOptions.length + 2];
    args[0] = "topics";
    args[1] = "apply";
    System.arraycopy(topicsApplyOptions, 0, args, 2, topicsApplyOptions.length);
    PrintWriter writer = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    int applied = SignetCli.commandLine(writer, writer).execute(args);
    writer.flush();
    return applied;
  }

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "help" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    switch (command) {
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
      case "migrate" -> System.exit(MigrateCommand.run(rest, Env.system(), System.out));
      case "release" -> System.exit(release(rest, Env.system(), System.out));
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
}
