package dev.signet.store;

import dev.signet.core.config.Env;
import dev.signet.core.config.PostgresSettings;
import dev.signet.shell.ServiceShell;

/**
 * Runs the receipt store on its own: migrate the schema, then sink receipts until stopped, in the
 * service shell ({@code /metrics} and {@code /healthz} on {@code SP_METRICS_PORT}). If the sink
 * stops on an unrecoverable error, the process exits with status 1 so that its supervisor (compose,
 * Kubernetes) restarts it: a store that runs on without storing is worse than none.
 */
public final class ReceiptStoreApp {

  private ReceiptStoreApp() {}

  public static void main(String[] args) throws InterruptedException {
    Env env = Env.system();
    ReceiptStoreConfig config = ReceiptStoreConfig.fromEnvironment(env);
    String instanceId = env.optional("SP_INSTANCE_ID");
    ServiceShell.runMain("sink", env, meters -> new ReceiptSink(config, meters, instanceId));
  }

  /**
   * Brings the receipts schema up to date and returns, for a release step ({@code signet migrate})
   * that runs before the services; the sink still migrates at start-up, which is then a no-op.
   */
  public static void migrate(PostgresSettings postgres) {
    Database.migrate(postgres.jdbcUrl(), postgres.user(), postgres.password());
  }
}
