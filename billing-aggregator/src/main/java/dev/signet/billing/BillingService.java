package dev.signet.billing;

import dev.signet.billing.ledger.LedgerConfig;
import dev.signet.billing.ledger.LedgerWorker;
import dev.signet.core.billing.reserved.ReservedConfigPublisher;
import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.tenant.ApiKeyTable;
import dev.signet.shell.ApiKeysService;
import dev.signet.shell.Service;
import dev.signet.shell.ServiceGroup;
import dev.signet.shell.StreamsService;
import dev.signet.shell.StreamsTuning;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and starts the billing aggregator as a {@link StreamsService} (await, health, metrics and
 * its failure policy live there). Used by {@link BillingApp} and by a launcher that runs the whole
 * pipeline in one JVM.
 */
public final class BillingService {

  private static final Logger log = LoggerFactory.getLogger(BillingService.class);

  private BillingService() {}

  /**
   * Publishes the reserved-capacity file of {@code SP_RESERVED_CONFIG} (null: none configured) to
   * {@code signet.billing.reserved-config.v1} before billing starts, so that the topic holds the
   * file billing starts with. Unchanged tenants publish nothing, so restarts add no records.
   *
   * @throws IllegalStateException naming every reason when the file is refused: billing does not
   *     start on a file it cannot bill by
   */
  public static void publishReservedCapacity(BillingConfig config, Path file) {
    if (file == null) {
      log.info(
          "{} is not set: no reserved capacity is configured; overage is not billed until a"
              + " file is published",
          ReservedConfigPublisher.ENV);
      return;
    }
    ReservedConfigPublisher.Outcome outcome =
        new ReservedConfigPublisher(
                config.bootstrapServers(),
                config.kafkaClient(),
                Clock.systemUTC(),
                BillingMacs.of(config.serverSecret()).reservedConfig())
            .publish(file, ReservedConfigPublisher.CHANGED_BY_STARTUP);
    if (outcome instanceof ReservedConfigPublisher.Refused refused) {
      throw new IllegalStateException(
          ReservedConfigPublisher.ENV
              + " ("
              + file
              + ") is refused, billing does not start: "
              + String.join("; ", refused.reasons()));
    }
  }

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
    return create(config, config.streamsProperties(), registry);
  }

  /**
   * As {@link #create(BillingConfig, MeterRegistry)}, with these Streams properties and the API
   * keys billing started with.
   */
  static StreamsService create(
      BillingConfig config, Properties streamsProperties, MeterRegistry registry) {
    return create(config, config.apiKeys()::atStart, streamsProperties, registry);
  }

  private static StreamsService create(
      BillingConfig config,
      ApiKeyTable apiKeys,
      Properties streamsProperties,
      MeterRegistry registry) {
    return new StreamsService(
        "billing aggregator",
        topology(config, apiKeys, registry).build(),
        streamsProperties,
        registry);
  }

  /** The topology over {@code config}, with the API keys billing started with. */
  static BillingTopology topology(BillingConfig config, MeterRegistry registry) {
    return topology(config, config.apiKeys()::atStart, registry);
  }

  private static BillingTopology topology(
      BillingConfig config, ApiKeyTable apiKeys, MeterRegistry registry) {
    return new BillingTopology(
        config.grace(),
        config.commitInterval(),
        config.chargeInterval(),
        apiKeys,
        config.serverSecret(),
        registry);
  }

  /**
   * Billing as one service: the Streams application ({@code streams}) and its ledger worker ({@code
   * ledger}), which materialises the billing topics and pushes charges to Stripe off the stream
   * threads. Both start together; either failing stops both (see {@link ServiceGroup}).
   */
  public static ServiceGroup create(
      BillingConfig config, LedgerConfig ledger, MeterRegistry registry) {
    return create(config, ledger, StreamsTuning.defaults(), registry);
  }

  /**
   * As {@link #create(BillingConfig, LedgerConfig, MeterRegistry)}, with these Streams settings.
   */
  public static ServiceGroup create(
      BillingConfig config, LedgerConfig ledger, StreamsTuning tuning, MeterRegistry registry) {
    Map<String, Service> parts = new LinkedHashMap<>();
    // A reloaded SP_API_KEYS_FILE applies to the charges made after it.
    ApiKeysService apiKeys = new ApiKeysService(config.apiKeys().open(registry, "billing"));
    parts.put("api-keys", apiKeys);
    parts.put(
        "streams",
        create(config, apiKeys.table(), tuning.applyTo(config.streamsProperties()), registry));
    parts.put(
        "ledger", LedgerWorker.create(ledger, BillingMacs.of(config.serverSecret()), registry));
    return new ServiceGroup("billing", parts);
  }
}
