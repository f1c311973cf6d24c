package dev.signet.processor;

import dev.signet.core.config.Env;
import dev.signet.shell.ServiceShell;
import dev.signet.shell.StreamsTuning;

/**
 * The exchange processor as its own process: configuration from the environment, then the service
 * shell ({@code /metrics} and {@code /healthz} on {@code SP_METRICS_PORT}; exit 1 on failure).
 */
public final class ExchangeProcessorApp {

  private ExchangeProcessorApp() {}

  public static void main(String[] args) throws InterruptedException {
    Env env = Env.system();
    ProcessorConfig config = ProcessorEnvironment.fromEnvironment(env);
    StreamsTuning tuning = StreamsTuning.fromEnvironment(env);
    ServiceShell.runMain(
        "streams", env, meters -> ExchangeProcessorService.create(config, tuning, meters));
  }
}
