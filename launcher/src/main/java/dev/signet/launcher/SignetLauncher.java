package dev.signet.launcher;

import dev.signet.core.config.Env;
import dev.signet.launcher.bench.Bench;
import dev.signet.launcher.chaos.Chaos;
import dev.signet.launcher.chaos.ChaosInfrastructure;
import dev.signet.server.SignetServer;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The local Signet executable: {@code up} runs the whole pipeline locally, {@code bench} measures
 * it; everything else ({@code ingress|processor|billing|receipt-store}, {@code migrate}, {@code
 * topics}, {@code healthcheck}, the offline CLI) is {@link SignetServer}'s, the command the
 * deployed images run without this module's embedded broker and PostgreSQL.
 */
public final class SignetLauncher {

  private static final String LOCAL_HELP =
      """
      Local commands:
        up              run the whole pipeline locally (embedded Kafka and PostgreSQL, port 8088)
        bench           measure it: signet bench [all|first-minute|async|sync|repair] --help for options
        chaos [--exchanges N] [--seed S]
                        fault-injection run over separate processes (kill -9 of each service,
                        a broker restart, a PostgreSQL outage); checks nothing was lost,
                        duplicated or forked and writes docs/reliability.md
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
      default -> {
        if (args.length <= 1
            && (command.equals("help") || command.equals("-h") || command.equals("--help"))) {
          System.out.println(LOCAL_HELP);
        }
        SignetServer.main(args);
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
    System.out.println(
        local.banner(
            env.optional("SP_API_KEYS") == null && env.optional("SP_API_KEYS_FILE") == null));
    stopped.await();
  }
}
