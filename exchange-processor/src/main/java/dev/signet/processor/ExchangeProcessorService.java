package dev.signet.processor;

import dev.signet.shell.StreamsService;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Builds the exchange processor as a {@link StreamsService} (start, await, health, metrics and its
 * failure policy live there); used by {@link ExchangeProcessorApp} and by the local launcher.
 */
public final class ExchangeProcessorService {

  private ExchangeProcessorService() {}

  /**
   * The processor over {@code config}, not yet started; its meters and the client's go to {@code
   * meters}.
   */
  public static StreamsService create(ProcessorConfig config, MeterRegistry meters) {
    ExchangeTopology topology =
        new ExchangeTopology(
            new ExchangeTopology.Settings(
                config.apiKeys(),
                config.signingKey(),
                config.serverSecret(),
                config.limits(),
                config.idempotencyRetention(),
                RequestPartitions.count(config),
                config.types()),
            meters);
    return new StreamsService(
        "exchange processor", topology.build(), config.streamsProperties(), meters);
  }
}
