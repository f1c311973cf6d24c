package dev.signet.processor.repair;

import dev.signet.core.crypto.RecordMac;
import dev.signet.core.json.Json;
import dev.signet.core.message.PeriodTotal;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the global store of FU period totals the quota reads, with only what billing wrote: a
 * record without billing's MAC, unreadable, or of another unit type is left out, so write access to
 * the period-totals topic alone cannot lift a tenant's quota.
 */
public final class PeriodTotalsIntake implements Processor<String, byte[], Void, Void> {

  private static final Logger log = LoggerFactory.getLogger(PeriodTotalsIntake.class);

  private final String storeName;
  private final RecordMac mac;
  private KeyValueStore<String, PeriodTotal> store;

  public PeriodTotalsIntake(String storeName, RecordMac mac) {
    this.storeName = storeName;
    this.mac = mac;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null || !mac.verify(record.headers(), record.value())) {
      log.warn("period total {} without a valid billing MAC ignored by the FU quota", record.key());
      return;
    }
    PeriodTotal total;
    try {
      total = Json.read(record.value(), PeriodTotal.class);
    } catch (RuntimeException e) {
      log.warn(
          "unreadable period total {} ignored by the FU quota: {}", record.key(), e.toString());
      return;
    }
    if (PeriodTotal.FU.equals(total.type())) {
      PeriodTotal known = store.get(total.key());
      // Totals only grow within a month; an older record replayed out of order must not lower it.
      if (known == null || known.units() <= total.units()) {
        store.put(total.key(), total);
      }
    }
  }
}
