package dev.signet.store;

import io.micrometer.core.instrument.Metrics;

/** Runs the receipt store on its own: migrate the schema, then sink receipts until stopped. */
public final class ReceiptStoreApp {

  private ReceiptStoreApp() {}

  public static void main(String[] args) {
    ReceiptStoreConfig config = ReceiptStoreConfig.fromEnvironment();
    // The global registry: whatever registry the deployment adds (Prometheus, OTLP) sees the meters.
    ReceiptSink sink = new ReceiptSink(config, Metrics.globalRegistry, System.getenv("SP_INSTANCE_ID"));
    Runtime.getRuntime().addShutdownHook(new Thread(sink::close, "signet-receipt-sink-shutdown"));
    sink.start();
  }
}
