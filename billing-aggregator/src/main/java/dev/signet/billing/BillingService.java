package dev.signet.billing;

import dev.signet.core.crypto.ReceiptMac;
import dev.signet.shell.StreamsService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.Objects;

/**
 * Builds and starts the billing aggregator as a {@link StreamsService} (await, health, metrics and
 * its failure policy live there). Used by {@link BillingApp} and by a launcher that runs the whole
 * pipeline in one JVM.
 */
public final class BillingService {

  private BillingService() {}

  /** As {@link #start(BillingConfig, MeterRegistry)}, counting into the global registry. */
  public static StreamsService start(BillingConfig config) {
    return start(config, Metrics.globalRegistry);
  }

  /** Starts the aggregator; returns at once, while Streams joins its group in the background. */
  public static StreamsService start(BillingConfig config, MeterRegistry registry) {
    return create(config, registry).start();
  }

  /**
   * The aggregator over {@code config}, not yet started; its meters and the client's go to {@code
   * registry}.
   */
  public static StreamsService create(BillingConfig config, MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    BillingTopology topology =
        new BillingTopology(
            config.grace(),
            config.commitInterval(),
            config.chargeInterval(),
            config.apiKeys(),
            new ReceiptMac(config.serverSecret()),
            registry);
    return new StreamsService(
        "billing aggregator", topology.build(), config.streamsProperties(), registry);
  }
}
