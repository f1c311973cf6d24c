package dev.signet.billing;

import dev.signet.billing.ledger.LedgerConfig;
import dev.signet.billing.ledger.LedgerWorker;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.shell.Service;
import dev.signet.shell.ServiceGroup;
import dev.signet.shell.StreamsService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.LinkedHashMap;
import java.util.Map;
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
        new BillingTopology(config.grace(), new ReceiptMac(config.serverSecret()), registry);
    return new StreamsService(
        "billing aggregator", topology.build(), config.streamsProperties(), registry);
  }

  /**
   * Billing as one service: the Streams application ({@code streams}) and its ledger worker ({@code
   * ledger}), which materialises the billing topics and pushes charges to Stripe off the stream
   * threads. Both start together; either failing stops both (see {@link ServiceGroup}).
   */
  public static ServiceGroup create(
      BillingConfig config, LedgerConfig ledger, MeterRegistry registry) {
    Map<String, Service> parts = new LinkedHashMap<>();
    parts.put("streams", create(config, registry));
    parts.put("ledger", LedgerWorker.create(ledger, registry));
    return new ServiceGroup("billing", parts);
  }
}
