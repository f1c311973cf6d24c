package dev.signet.processor.repair;

import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.RepairMacs;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.message.RepairOutcome;
import dev.signet.core.message.RepairRequest;
import dev.signet.core.topic.Topics;
import dev.signet.processor.stage.Stage;
import dev.signet.processor.stage.StageRecords;
import dev.signet.processor.stage.StageWorker;
import dev.signet.processor.stage.StageWorkerSettings;
import dev.signet.shell.ConsumerLoop;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The repair worker: a {@link StageWorker} whose work is one model call per {@link RepairRequest}
 * and whose outcome is a {@link RepairOutcome} (the reply and its tokens, or why there is none).
 * Requests on {@code signet.exchange.repair-requests.v1}, outcomes on {@code
 * signet.exchange.repair-outcomes.v1}, MACs {@link RepairMacs}, group {@value #DEFAULT_GROUP_ID},
 * meters {@code signet_repair_calls_total{result=replied|failed}}, {@code
 * signet_repair_call_seconds}, {@code signet_repair_calls_in_flight}, {@code
 * signet_repair_requests_refused_total{reason}}. A call whose outcome was never recorded may be
 * made again by the partition's next owner; it was never used, so never billed.
 */
public final class RepairWorker implements Stage<RepairRequest, RepairOutcome> {

  public static final String DEFAULT_GROUP_ID = "signet-repair-worker";

  private final ModelClient model;
  private final StageRecords<RepairRequest, RepairOutcome> records;
  private final Clock clock;

  private RepairWorker(ModelClient model, RepairMacs macs, Clock clock) {
    this.model = model;
    this.records =
        new StageRecords<>(
            "repair",
            Topics.EXCHANGE_REPAIR_REQUESTS,
            Topics.EXCHANGE_REPAIR_OUTCOMES,
            macs.request(),
            macs.outcome(),
            RepairRequest::repairId,
            RepairRequest::traceId,
            RepairOutcome::repairId);
    this.clock = clock;
  }

  /** The worker's loop, not started; see {@link StageWorker#create}. It closes {@code model}. */
  public static ConsumerLoop create(
      String bootstrapServers,
      KafkaClientProperties kafkaClient,
      String groupId,
      String instanceId,
      ServerSecret serverSecret,
      ModelClient model,
      StageWorkerSettings settings,
      MeterRegistry meters) {
    return create(
        bootstrapServers,
        kafkaClient,
        groupId,
        instanceId,
        serverSecret,
        model,
        settings,
        meters,
        Topics.EXCHANGE_REPAIR_REQUESTS.name(),
        Topics.EXCHANGE_REPAIR_OUTCOMES.name());
  }

  /** As above, over other topics of the same shapes (tests). */
  static ConsumerLoop create(
      String bootstrapServers,
      KafkaClientProperties kafkaClient,
      String groupId,
      String instanceId,
      ServerSecret serverSecret,
      ModelClient model,
      StageWorkerSettings settings,
      MeterRegistry meters,
      String requestsTopic,
      String outcomesTopic) {
    return StageWorker.create(
        bootstrapServers,
        kafkaClient,
        groupId,
        instanceId,
        new RepairWorker(model, RepairMacs.of(serverSecret), Clock.systemUTC()),
        settings,
        meters,
        requestsTopic,
        outcomesTopic);
  }

  @Override
  public StageRecords<RepairRequest, RepairOutcome> records() {
    return records;
  }

  @Override
  public RepairOutcome answer(RepairRequest request) {
    long start = System.nanoTime();
    ModelReply reply = model.repair(request);
    return RepairOutcomes.of(
        request, reply, Duration.ofNanos(System.nanoTime() - start), clock.instant());
  }

  @Override
  public RepairOutcome failedBy(RepairRequest request, Throwable bug) {
    return RepairOutcomes.of(
        request,
        new ModelReply.Failed("MODEL_ERROR", "the model client threw " + bug, 0),
        Duration.ZERO,
        clock.instant());
  }

  @Override
  public String result(RepairOutcome outcome) {
    return outcome.status() == RepairOutcome.Status.REPLIED ? "replied" : "failed";
  }

  @Override
  public List<String> results() {
    return List.of("replied", "failed");
  }

  @Override
  public void close() {
    model.close();
  }
}
