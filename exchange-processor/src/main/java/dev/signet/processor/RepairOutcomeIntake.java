package dev.signet.processor;

import dev.signet.core.crypto.RecordMac;
import dev.signet.core.json.Json;
import dev.signet.core.message.RepairOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the repair worker's outcomes: only records carrying the worker's MAC go on, keyed by their
 * trace, to the exchange node; anything else (forged, unreadable) is logged, counted in {@code
 * signet_repair_outcomes_refused_total} and dropped, so write access to the outcomes topic alone
 * cannot make Signet sign a document.
 */
final class RepairOutcomeIntake implements Processor<String, byte[], String, Inbound> {

  private static final Logger log = LoggerFactory.getLogger(RepairOutcomeIntake.class);

  private final RecordMac mac;
  private final Counter refused;
  private ProcessorContext<String, Inbound> context;

  RepairOutcomeIntake(RecordMac mac, MeterRegistry meters) {
    this.mac = mac;
    this.refused =
        Counter.builder("signet_repair_outcomes_refused")
            .description("Repair outcomes dropped: no valid worker MAC, or unreadable")
            .register(meters);
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
    RepairOutcome outcome;
    try {
      outcome = Json.read(record.value(), RepairOutcome.class);
    } catch (RuntimeException e) {
      refuse(record, e.toString());
      return;
    }
    context.forward(
        record
            .withKey(outcome.traceId())
            .withValue((Inbound) new Inbound.Repaired(outcome, record.value())));
  }

  private void refuse(Record<String, byte[]> record, String why) {
    refused.increment();
    log.warn("repair outcome keyed {} dropped: {}", record.key(), why);
  }
}
