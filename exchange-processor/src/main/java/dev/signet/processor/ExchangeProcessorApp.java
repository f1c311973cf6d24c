package dev.signet.processor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The exchange processor as its own process: configuration from the environment, then run. */
public final class ExchangeProcessorApp {

  private ExchangeProcessorApp() {}

  public static void main(String[] args) {
    ProcessorConfig config = ProcessorEnvironment.fromEnvironment(System.getenv());
    ExchangeProcessorService service = new ExchangeProcessorService(config, new SimpleMeterRegistry()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "signet-processor-shutdown"));
  }
}
