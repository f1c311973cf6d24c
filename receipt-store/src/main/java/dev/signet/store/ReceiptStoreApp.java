package dev.signet.store;

import io.micrometer.core.instrument.Metrics;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the receipt store on its own: migrate the schema, then sink receipts until stopped. If the
 * sink stops on an unrecoverable error, the process exits with status 1 so that its supervisor
 * (compose, Kubernetes) restarts it: a store that runs on without storing is worse than none.
 */
public final class ReceiptStoreApp {

  private static final Logger log = LoggerFactory.getLogger(ReceiptStoreApp.class);

  private ReceiptStoreApp() {}

  public static void main(String[] args) throws InterruptedException {
    run(sink -> {});
  }

  /**
   * As {@link #main}; {@code started} gets the sink once the schema is migrated and the sink
   * runs (the launcher serves its health). Blocks while the sink runs; exits 1 if it fails.
   */
  public static void run(Consumer<? super ReceiptSink> started) throws InterruptedException {
    ReceiptStoreConfig config = ReceiptStoreConfig.fromEnvironment();
    CountDownLatch failed = new CountDownLatch(1);
    // The global registry: whatever registry the deployment adds (Prometheus, OTLP) sees the meters.
    ReceiptSink sink = new ReceiptSink(
        config, Metrics.globalRegistry, System.getenv("SP_INSTANCE_ID"), cause -> failed.countDown());
    Runtime.getRuntime().addShutdownHook(new Thread(sink::close, "signet-receipt-sink-shutdown"));
    sink.start();
    started.accept(sink);
    failed.await();
    // Exit from this thread, not the sink's: the shutdown hook joins the sink thread.
    log.error("The receipt sink stopped on an unrecoverable error; exiting with status 1");
    System.exit(1);
  }
}
