package dev.signet.processor;

import dev.signet.core.topic.Topics;
import dev.signet.processor.egress.ForwardWorker;
import dev.signet.processor.keys.KeyTableAnnouncer;
import dev.signet.processor.keys.KeyTableRecords;
import dev.signet.processor.repair.OpenAiModelClient;
import dev.signet.processor.repair.RepairWorker;
import dev.signet.processor.stage.StageWorkerSettings;
import dev.signet.shell.ApiKeysService;
import dev.signet.shell.ConsumerLoopService;
import dev.signet.shell.Service;
import dev.signet.shell.ServiceGroup;
import dev.signet.shell.StreamsService;
import dev.signet.shell.StreamsTuning;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the exchange processor as a {@link Service}: its Streams application ({@code streams};
 * start, await, health, metrics and its failure policy live in {@link StreamsService}), the API key
 * table ({@code api-keys}, re-reading {@code SP_API_KEYS_FILE}) and its announcer on the requests
 * log ({@code key-table}), the forward worker ({@code forward-worker}) and, when a model is
 * configured, the repair worker ({@code repair-worker}): the slow stages, off the stream threads.
 * Either failing stops both (see {@link ServiceGroup}). Used by {@link ExchangeProcessorApp} and by
 * the local launcher.
 */
public final class ExchangeProcessorService {

  private ExchangeProcessorService() {}

  /**
   * The processor over {@code config}, not yet started; its meters and the clients' go to {@code
   * meters}.
   */
  public static Service create(ProcessorConfig config, MeterRegistry meters) {
    return create(config, StreamsTuning.defaults(), meters);
  }

  /** As {@link #create(ProcessorConfig, MeterRegistry)}, with these Streams settings. */
  public static Service create(ProcessorConfig config, StreamsTuning tuning, MeterRegistry meters) {
    Map<String, Service> parts = new LinkedHashMap<>();
    parts.put(
        "streams",
        SigningKeyGuard.of(
            streams(config, tuning, meters), config.stateDir(), config.signingKey()));
    ApiKeysService apiKeys = new ApiKeysService(config.apiKeys().open(meters, "processor"));
    parts.put("api-keys", apiKeys);
    parts.put(
        "key-table",
        KeyTableAnnouncer.create(
            apiKeys.table(),
            Topics.EXCHANGE_REQUESTS.name(),
            RequestPartitions.count(config),
            new KeyTableRecords(config.serverSecret()),
            config.bootstrapServers(),
            config.kafkaClient(),
            meters));
    String instanceId = workerInstanceId(config);
    parts.put(
        "forward-worker",
        new ConsumerLoopService(
            ForwardWorker.create(
                config.bootstrapServers(),
                config.kafkaClient(),
                instanceId,
                config.serverSecret(),
                config.egress(),
                meters)));
    if (config.model().available()) {
      parts.put(
          "repair-worker",
          new ConsumerLoopService(
              RepairWorker.create(
                  config.bootstrapServers(),
                  config.kafkaClient(),
                  RepairWorker.DEFAULT_GROUP_ID,
                  instanceId,
                  config.serverSecret(),
                  new OpenAiModelClient(config.model()),
                  StageWorkerSettings.defaults().withConcurrency(config.model().concurrency()),
                  meters)));
    }
    return new ServiceGroup("exchange processor", parts);
  }

  /** The Streams application alone (no model calls: its repair requests wait for a worker). */
  public static StreamsService streams(ProcessorConfig config, MeterRegistry meters) {
    return streams(config, StreamsTuning.defaults(), meters);
  }

  static StreamsService streams(
      ProcessorConfig config, StreamsTuning tuning, MeterRegistry meters) {
    ExchangeTopology topology =
        new ExchangeTopology(
            new ExchangeTopology.Settings(
                config.apiKeys().atStart(),
                config.signingKey(),
                config.serverSecret(),
                config.limits(),
                config.idempotencyRetention(),
                RequestPartitions.count(config),
                config.types(),
                config.model().policy(),
                config.egress()),
            meters);
    return new StreamsService(
        "exchange processor",
        topology.build(),
        // The instance id is the config's: local mode gives one without SP_INSTANCE_ID.
        tuning.withInstanceId(config.instanceId()).applyTo(config.streamsProperties()),
        meters);
  }

  /**
   * The stage workers' identity: the stable instance id when set (their transactional ids and
   * static group membership), else null and each worker takes one of this process's.
   */
  private static String workerInstanceId(ProcessorConfig config) {
    return config.instanceId() != null && !config.instanceId().isBlank()
        ? config.instanceId()
        : null;
  }
}
