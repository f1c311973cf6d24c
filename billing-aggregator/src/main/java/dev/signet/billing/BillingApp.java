package dev.signet.billing;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;

/** Runs the billing aggregator as its own process, configured from the environment. */
public final class BillingApp {

  private BillingApp() {}

  public static void main(String[] args) throws InterruptedException {
    run(service -> {});
  }

  /** As {@link #main}; {@code started} gets the service once started (the launcher serves its health). */
  public static void run(Consumer<? super BillingService> started) throws InterruptedException {
    BillingService service = BillingService.start(BillingConfig.fromEnvironment(System.getenv()));
    // Whatever registry the deployment adds to the global one (the launcher's /metrics) sees these.
    new KafkaStreamsMetrics(service.streams()).bindTo(Metrics.globalRegistry);
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "billing-shutdown"));
    started.accept(service);
    if (service.awaitTermination() == KafkaStreams.State.ERROR) {
      // Non-zero so that the supervisor (compose, Kubernetes) restarts the process.
      System.exit(1);
    }
  }
}
