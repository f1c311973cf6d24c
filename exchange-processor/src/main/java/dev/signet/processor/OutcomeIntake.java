package dev.signet.processor;

import dev.signet.core.crypto.RecordMac;
import dev.signet.core.json.Json;
import dev.signet.core.message.ForwardOutcome;
import dev.signet.core.message.RepairOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a slow stage's outcomes: only records carrying the stage worker's MAC go on, keyed by their
 * trace, to the exchange node; anything else (forged, unreadable) is logged, counted in {@code
 * signet_<stage>_outcomes_refused_total} and dropped, so write access to an outcomes topic alone
 * cannot make Signet sign a document.
 */
final class OutcomeIntake<A> implements Processor<String, byte[], String, Inbound> {

  private static final Logger log = LoggerFactory.getLogger(OutcomeIntake.class);

  private final String stage;
  private final RecordMac mac;
  private final Class<A> type;
  private final Function<A, String> traceOf;
  private final BiFunction<A, byte[], Inbound> inbound;
  private final Counter refused;
  private ProcessorContext<String, Inbound> context;

  private OutcomeIntake(
      String stage,
      RecordMac mac,
      Class<A> type,
      Function<A, String> traceOf,
      BiFunction<A, byte[], Inbound> inbound,
      MeterRegistry meters) {
    this.stage = stage;
    this.mac = mac;
    this.type = type;
    this.traceOf = traceOf;
    this.inbound = inbound;
    this.refused =
        Counter.builder("signet_" + stage + "_outcomes_refused")
            .description("Outcomes of the " + stage + " stage dropped: no valid MAC, or unreadable")
            .register(meters);
  }

  static OutcomeIntake<RepairOutcome> repairs(RecordMac mac, MeterRegistry meters) {
    return new OutcomeIntake<>(
        "repair", mac, RepairOutcome.class, RepairOutcome::traceId, Inbound.Repaired::new, meters);
  }

  static OutcomeIntake<ForwardOutcome> forwards(RecordMac mac, MeterRegistry meters) {
    return new OutcomeIntake<>(
        "forward",
        mac,
        ForwardOutcome.class,
        ForwardOutcome::traceId,
        Inbound.Forwarded::new,
        meters);
  }

  @Override
  public void init(ProcessorContext<String, Inbound> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null || !mac.verify(record.headers(), record.value())) {
      refuse(record, "no valid MAC");
      return;
    }
    A outcome;
    try {
      outcome = Json.read(record.value(), type);
    } catch (RuntimeException e) {
      refuse(record, e.toString());
      return;
    }
    context.forward(
        record.withKey(traceOf.apply(outcome)).withValue(inbound.apply(outcome, record.value())));
  }

  private void refuse(Record<String, byte[]> record, String why) {
    refused.increment();
    log.warn("{} outcome keyed {} dropped: {}", stage, record.key(), why);
  }
}
