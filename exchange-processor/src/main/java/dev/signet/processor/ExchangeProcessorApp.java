package dev.signet.processor;

import io.micrometer.core.instrument.Metrics;
import org.apache.kafka.streams.KafkaStreams;

/** The exchange processor as its own process: configuration from the environment, then run. */
public final class ExchangeProcessorApp {

  private ExchangeProcessorApp() {}

  public static void main(String[] args) throws InterruptedException {
    ProcessorConfig config = ProcessorEnvironment.fromEnvironment(System.getenv());
    ExchangeProcessorService service = new ExchangeProcessorService(config, Metrics.globalRegistry).start();
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "signet-processor-shutdown"));
    // A processor that stopped for good must end the process, so the orchestrator restarts it.
    while (!service.state().hasCompletedShutdown() && service.state() != KafkaStreams.State.ERROR) {
      Thread.sleep(1_000);
    }
    if (service.state() == KafkaStreams.State.ERROR) {
      System.exit(1);
    }
  }
}
