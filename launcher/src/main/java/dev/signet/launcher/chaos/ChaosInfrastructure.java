package dev.signet.launcher.chaos;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.signet.launcher.local.LocalKafka;
import dev.signet.launcher.local.LocalPostgres;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * The broker and PostgreSQL of a chaos run, each as a command of its own JVM ({@code signet
 * chaos-broker DIR PORT CONTROLLER_PORT}, {@code signet chaos-postgres DIR PORT}) so that the run
 * can stop and restart them. Both run until SIGTERM, which closes them cleanly (a SIGKILL of the
 * PostgreSQL JVM would leave the postmaster running).
 */
public final class ChaosInfrastructure {

  private ChaosInfrastructure() {}

  public static void broker(String[] args) throws InterruptedException {
    requireArguments(args, 3, "chaos-broker DIR PORT CONTROLLER_PORT");
    LocalKafka kafka =
        new LocalKafka(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    runUntilStopped(kafka);
  }

  public static void postgres(String[] args) throws InterruptedException {
    requireArguments(args, 2, "chaos-postgres DIR PORT");
    // PostgreSQL's own output (zonky logs it), so that a start that fails says why in the run's
    // log.
    ((Logger) LoggerFactory.getLogger("io.zonky")).setLevel(Level.INFO);
    LocalPostgres postgres = new LocalPostgres(Path.of(args[0]), Integer.parseInt(args[1]));
    runUntilStopped(postgres);
  }

  private static void runUntilStopped(AutoCloseable server) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    e.printStackTrace();
                  } finally {
                    stopped.countDown();
                  }
                },
                "chaos-infrastructure-stop"));
    System.out.println("READY");
    stopped.await();
  }

  private static void requireArguments(String[] args, int count, String usage) {
    if (args.length != count) {
      throw new IllegalArgumentException("usage: signet " + usage);
    }
  }
}
