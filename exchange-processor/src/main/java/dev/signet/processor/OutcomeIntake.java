package dev.signet.processor;

import dev.signet.core.message.SignetHeaders;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sequences a slow stage's recorded outcome: an authentic one (see {@link StageOutcomes}) is
 * copied, bytes and MAC unchanged and marked with its stage, onto the requests topic on its trace's
 * partition, where the exchange node reads it in log order with the trace's requests. Reading it
 * straight from the outcomes topic would interleave it with the requests in whatever order the
 * records happened to be fetched, and a replayed transaction could then sign differently from the
 * first attempt; through the requests log every input of a task has one order (docs/receipts.md).
 */
final class OutcomeIntake implements Processor<String, byte[], String, byte[]> {

  private final String stage;
  private final StageOutcomes outcomes;
  private ProcessorContext<String, byte[]> context;

  OutcomeIntake(String stage, StageOutcomes outcomes) {
    this.stage = stage;
    this.outcomes = outcomes;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    outcomes
        .read(stage, record.headers(), record.value(), record.key())
        .ifPresent(
            read -> {
              RecordHeaders headers = new RecordHeaders(record.headers().toArray());
              SignetHeaders.put(headers, SignetHeaders.STAGE_OUTCOME, stage);
              context.forward(record.withKey(read.traceId()).withHeaders(headers));
            });
  }
}
