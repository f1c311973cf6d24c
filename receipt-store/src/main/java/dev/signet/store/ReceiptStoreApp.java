package dev.signet.store;

import io.micrometer.core.instrument.Metrics;
import java.util.function.Consumer;

/** Runs the receipt store on its own: migrate the schema, then sink receipts until stopped. */
public final class ReceiptStoreApp {

  private ReceiptStoreApp() {}

  public static void main(String[] args) {
    run(sink -> {});
  }

  /**
   * As {@link #main}; {@code started} gets the sink once the schema is migrated and the sink
   * runs (the launcher serves its health). Returns then: the sink works on its own thread.
   */
  public static void run(Consumer<? super ReceiptSink> started) {
    ReceiptStoreConfig config = ReceiptStoreConfig.fromEnvironment();
    // The global registry: whatever registry the deployment adds (Prometheus, OTLP) sees the meters.
    ReceiptSink sink = new ReceiptSink(config, Metrics.globalRegistry, System.getenv("SP_INSTANCE_ID"));
    Runtime.getRuntime().addShutdownHook(new Thread(sink::close, "signet-receipt-sink-shutdown"));
    sink.start();
    started.accept(sink);
  }
}
