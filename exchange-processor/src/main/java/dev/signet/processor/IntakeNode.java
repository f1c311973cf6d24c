package dev.signet.processor;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateless first node: applies {@link RequestIntake} and {@link TraceRouting} to a raw request
 * and keys it by its trace, keeping its headers; a slow stage's outcome sequenced onto the requests
 * topic is authenticated and passed on as {@link Inbound.Repaired} or {@link Inbound.Forwarded}. A
 * Processor-API node because routing needs the partition the record was read from, which only the
 * source record's metadata knows; it therefore runs before anything could repartition or re-key the
 * stream.
 */
final class IntakeNode implements Processor<String, byte[], String, Inbound> {

  private static final Logger log = LoggerFactory.getLogger(IntakeNode.class);

  private final RequestIntake intake;
  private final TraceRouting routing;
  private final StageOutcomes outcomes;
  private final ExchangePhases phases;
  private ProcessorContext<String, Inbound> context;

  IntakeNode(
      RequestIntake intake, TraceRouting routing, StageOutcomes outcomes, ExchangePhases phases) {
    this.intake = intake;
    this.routing = routing;
    this.outcomes = outcomes;
    this.phases = phases;
  }

  @Override
  public void init(ProcessorContext<String, Inbound> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
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
      taken = intake.take(record.key(), original, record.headers());
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
