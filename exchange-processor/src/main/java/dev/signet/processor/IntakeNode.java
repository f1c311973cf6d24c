package dev.signet.processor;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.processor.keys.KeyTableRecords;
import dev.signet.processor.keys.TaskKeyTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateless first node: applies {@link RequestIntake} and {@link TraceRouting} to a raw request
 * and keys it by its trace, keeping its headers; a slow stage's outcome sequenced onto the requests
 * topic is authenticated and passed on as {@link Inbound.Repaired} or {@link Inbound.Forwarded}; an
 * announced API key table replaces the task's ({@link TaskKeyTable}) for the records after it. A
 * Processor-API node because routing needs the partition the record was read from, which only the
 * source record's metadata knows; it therefore runs before anything could repartition or re-key the
 * stream.
 */
final class IntakeNode implements Processor<String, byte[], String, Inbound> {

  private static final Logger log = LoggerFactory.getLogger(IntakeNode.class);

  private final RequestIntake intake;
  private final TraceRouting routing;
  private final StageOutcomes outcomes;
  private final KeyTableRecords keyTables;
  private final ApiKeys keysAtStart;
  private final ExchangePhases phases;
  private final Counter forgedControl;
  private ProcessorContext<String, Inbound> context;
  private TaskKeyTable apiKeys;

  IntakeNode(
      RequestIntake intake,
      TraceRouting routing,
      StageOutcomes outcomes,
      KeyTableRecords keyTables,
      ApiKeys keysAtStart,
      ExchangePhases phases,
      MeterRegistry meters) {
    this.intake = intake;
    this.routing = routing;
    this.outcomes = outcomes;
    this.keyTables = keyTables;
    this.keysAtStart = keysAtStart;
    this.phases = phases;
    this.forgedControl =
        Counter.builder("signet_processor_control_records_refused")
            .description("Control records on the requests topic without the processor's MAC")
            .register(meters);
  }

  @Override
  public void init(ProcessorContext<String, Inbound> context) {
    this.context = context;
    this.apiKeys = new TaskKeyTable(context.getStateStore(TaskKeyTable.STORE), keysAtStart);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (KeyTableRecords.isControl(record.headers())) {
      keyTables
          .read(record.headers(), record.value())
          .ifPresentOrElse(apiKeys::replace, () -> refuseControl(record));
      return;
    }
    if (StageOutcomes.isStageOutcome(record.headers())) {
      // A recorded outcome sequenced here by OutcomeIntake; a forged one is dropped.
      outcomes
          .read(record.headers(), record.value(), record.key())
          .ifPresent(
              read -> context.forward(record.withKey(read.traceId()).withValue(read.inbound())));
      return;
    }
    Inbound inbound = phases.time(ExchangePhases.Phase.INTAKE, () -> take(record));
    context.forward(record.withKey(keyOf(record, inbound)).withValue(inbound));
  }

  private Inbound take(Record<String, byte[]> record) {
    byte[] original = record.value();
    RequestIntake.Intake taken;
    try {
      taken = intake.take(apiKeys.current(), record.key(), original, record.headers());
    } catch (RuntimeException e) {
      // A bug must not stop the partition nor lose the request: park it and tell the caller.
      log.error(
          "intake of a record keyed {} failed unexpectedly; sent to the DLQ", record.key(), e);
      return new Inbound.Refused(internal(null), e.toString(), original);
    }
    if (taken instanceof RequestIntake.Refused refused) {
      return new Inbound.Refused(
          ExchangeResult.Rejected.of(refused.traceId(), refused.code(), refused.detail()),
          refused.poison() ? refused.detail() : null,
          original);
    }
    RequestIntake.Ready ready = (RequestIntake.Ready) taken;
    int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
    if (routing.isHome(ready.traceId(), partition)) {
      return new Inbound.Ready(ready, original);
    }
    if (record.headers().lastHeader(SignetHeaders.REROUTED_FROM) != null) {
      // A re-routed record must arrive home; if it did not, the partition count changed under us.
      return new Inbound.Refused(
          ExchangeResult.Rejected.of(
              ready.traceId(),
              ErrorCode.UNAVAILABLE,
              "the record reached partition "
                  + partition
                  + " after re-routing, not its trace's partition: the requests topic's partition count changed; restart the processors"),
          null,
          original);
    }
    return new Inbound.OffHome(ready.traceId(), partition, original);
  }

  // Only the processor announces tables; whoever wrote this one lacks the server secret.
  private void refuseControl(Record<String, byte[]> record) {
    forgedControl.increment();
    log.warn(
        "dropped a control record without the processor's MAC at partition {} offset {}",
        context.recordMetadata().map(RecordMetadata::partition).orElse(-1),
        context.recordMetadata().map(RecordMetadata::offset).orElse(-1L));
  }

  /**
   * Results and re-routed records are keyed by trace; a refusal without one keeps the record's key.
   */
  private static String keyOf(Record<String, byte[]> record, Inbound inbound) {
    if (inbound instanceof Inbound.Ready ready) {
      return ready.request().traceId();
    }
    if (inbound instanceof Inbound.OffHome offHome) {
      return offHome.traceId();
    }
    String traceId = ((Inbound.Refused) inbound).result().traceId();
    return traceId != null ? traceId : record.key();
  }

  static ExchangeResult.Rejected internal(String traceId) {
    return ExchangeResult.Rejected.of(
        traceId,
        ErrorCode.INTERNAL,
        "the exchange could not be processed; it was kept for inspection");
  }
}
