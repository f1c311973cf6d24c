package dev.signet.processor;

import io.micrometer.core.instrument.Metrics;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;

/** The exchange processor as its own process: configuration from the environment, then run. */
public final class ExchangeProcessorApp {

  private ExchangeProcessorApp() {}

  public static void main(String[] args) throws InterruptedException {
    run(service -> {});
  }

  /** As {@link #main}; {@code started} gets the service once started (the launcher serves its health). */
  public static void run(Consumer<? super ExchangeProcessorService> started) throws InterruptedException {
    ProcessorConfig config = ProcessorEnvironment.fromEnvironment(System.getenv());
    ExchangeProcessorService service = new ExchangeProcessorService(config, Metrics.globalRegistry).start();
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "signet-processor-shutdown"));
    started.accept(service);
    if (service.awaitTermination() == KafkaStreams.State.ERROR) {
      // Non-zero so that the supervisor (compose, Kubernetes) restarts the process.
      System.exit(1);
    }
  }
}
