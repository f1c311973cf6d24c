package dev.signet.processor;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Sends a record that landed off its trace's partition home: its original bytes and headers, marked
 * with where it landed so that a second miss is refused instead of looping (see {@link
 * IntakeNode}). The sink behind it partitions by Signet's trace mapping.
 */
final class RerouteNode implements FixedKeyProcessor<String, Inbound, byte[]> {

  private final ExchangeCounters counters;
  private FixedKeyProcessorContext<String, byte[]> context;

  RerouteNode(ExchangeCounters counters) {
    this.counters = counters;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, Inbound> record) {
    Inbound.OffHome offHome = (Inbound.OffHome) record.value();
    context.forward(
        record
            .withValue(offHome.original())
            .withHeaders(OutputHeaders.rerouted(record.headers(), offHome.landedOn())));
    counters.rerouted();
  }
}
