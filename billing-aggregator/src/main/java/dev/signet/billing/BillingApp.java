package dev.signet.billing;

import dev.signet.billing.ledger.LedgerConfig;
import dev.signet.core.config.Env;
import dev.signet.shell.ServiceShell;
import dev.signet.shell.StreamsTuning;

/**
 * Runs the billing aggregator as its own process: configuration from the environment, then the
 * Streams application and the ledger worker as one service in the service shell ({@code /metrics}
 * and {@code /healthz} on {@code SP_METRICS_PORT}; exit 1 on failure).
 */
public final class BillingApp {

  private BillingApp() {}

  public static void main(String[] args) throws InterruptedException {
    Env env = Env.system();
    BillingConfig config = BillingConfig.fromEnvironment(env);
    BillingService.publishReservedCapacity(config, BillingConfig.reservedConfigFile(env));
    LedgerConfig ledger = LedgerConfig.fromEnvironment(env);
    StreamsTuning tuning = StreamsTuning.fromEnvironment(env);
    ServiceShell.runMain(
        "billing", env, meters -> BillingService.create(config, ledger, tuning, meters));
  }
}
