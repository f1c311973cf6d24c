package dev.signet.billing.ledger;

import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.message.OverageCharge;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.ReservedConfigChange;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll's records, read into their messages, partition by partition in offset order (so a
 * tenant's charges keep their order). A record that cannot be read is logged and left out: it can
 * never be materialised, and holding its partition forever would stop billing.
 *
 * @param charges overage charges, in partition then offset order
 * @param totals period totals
 * @param reservations reserved-config changes in offset order
 * @param unreadable how many records were left out
 * @param lastTimestampMs the newest record timestamp of the poll, -1 when empty
 */
record LedgerBatch(
    List<OverageCharge> charges,
    List<PeriodTotal> totals,
    List<ReservedConfigChange> reservations,
    int unreadable,
    long lastTimestampMs) {

  private static final Logger log = LoggerFactory.getLogger(LedgerBatch.class);

  LedgerBatch {
    charges = List.copyOf(charges);
    totals = List.copyOf(totals);
    reservations = List.copyOf(reservations);
  }

  /**
   * Reads a poll. A record whose {@code x-signet-record-mac} is not billing's MAC of its value (a
   * record billing did not write, a tombstone) is left out like an unreadable one: write access to
   * these topics alone must not put a charge on Stripe or a row in finance's tables.
   */
  static LedgerBatch of(ConsumerRecords<String, byte[]> records, BillingMacs macs) {
    List<OverageCharge> charges = new ArrayList<>();
    List<PeriodTotal> totals = new ArrayList<>();
    List<ReservedConfigChange> reservations = new ArrayList<>();
    int unreadable = 0;
    long last = -1;
    for (TopicPartition partition : records.partitions()) {
      for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
        last = Math.max(last, record.timestamp());
        try {
          // A tombstone has no value, so no MAC either: Signet writes none to these topics.
          String topic = record.topic();
          if (!macs.forTopic(topic)
              .map(m -> m.verify(record.headers(), record.value()))
              .orElse(false)) {
            throw new IllegalArgumentException(
                "no valid x-signet-record-mac: not written by Signet's billing");
          }
          if (topic.equals(Topics.BILLING_OVERAGE.name())) {
            OverageCharge charge = read(Topics.BILLING_OVERAGE, record);
            checkCharge(charge);
            charges.add(charge);
          } else if (topic.equals(Topics.BILLING_PERIOD_TOTALS.name())) {
            PeriodTotal total = read(Topics.BILLING_PERIOD_TOTALS, record);
            Instant.parse(total.updatedAt());
            totals.add(total);
          } else {
            ReservedConfigChange change = read(Topics.BILLING_RESERVED_CONFIG, record);
            Instant.parse(change.changedAt());
            reservations.add(change);
          }
        } catch (RuntimeException e) {
          unreadable++;
          log.error(
              "Skipping unreadable or unauthenticated billing record {}-{}@{} (key {}): {}",
              record.topic(),
              record.partition(),
              record.offset(),
              record.key(),
              e.toString());
        }
      }
    }
    return new LedgerBatch(charges, totals, reservations, unreadable, last);
  }

  boolean isEmpty() {
    return charges.isEmpty() && totals.isEmpty() && reservations.isEmpty();
  }

  private static <V> V read(Topic<String, V> topic, ConsumerRecord<String, byte[]> record) {
    return topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
  }

  /** Everything the tables need parses, so a bad charge fails here and not in the database. */
  private static void checkCharge(OverageCharge charge) {
    new BigDecimal(charge.unitPrice());
    new BigDecimal(charge.amount());
    Instant.parse(charge.window().start());
    Instant.parse(charge.window().end());
    Instant.parse(charge.chargedAt());
  }
}
