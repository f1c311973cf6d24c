package dev.signet.launcher.bench;

import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * How far billing's period totals trail the receipts, as a finance consumer sees it: reads {@code
 * signet.billing.period-totals.v1} with {@code read_committed}, as any consumer would, and records
 * for every VEx total of one tenant the time between its arrival here and the record's timestamp,
 * which billing sets to the signed {@code ts} of the newest receipt the total includes. So the lag
 * covers the processor's commit, the receipt's trip through billing's repartition and the total's
 * commit.
 */
final class BillingLagProbe implements AutoCloseable {

  private final String tenant;
  private final KafkaConsumer<String, PeriodTotal> consumer;
  private final Thread thread;
  private final AtomicLong latestUnits = new AtomicLong();
  private final AtomicLong latestArrivalMs = new AtomicLong();
  private final Recorder lagMicros = new Recorder(3);

  BillingLagProbe(String bootstrap, KafkaClientProperties kafkaClient, String tenant) {
    this.tenant = tenant;
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "signet-bench-billing-lag");
    this.consumer =
        new KafkaConsumer<>(
            kafkaClient.applyTo(props),
            new StringDeserializer(),
            Topics.BILLING_PERIOD_TOTALS.valueSerde().deserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.BILLING_PERIOD_TOTALS.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    this.thread = new Thread(this::run, "bench-billing-lag");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        for (ConsumerRecord<String, PeriodTotal> record : consumer.poll(Duration.ofMillis(50))) {
          PeriodTotal total = record.value();
          if (total == null
              || !total.tenant().equals(tenant)
              || !PeriodTotal.VEX.equals(total.type())) {
            continue;
          }
          long now = System.currentTimeMillis();
          lagMicros.recordValue(Math.max(0, now - record.timestamp()) * 1000);
          latestUnits.accumulateAndGet(total.units(), Math::max);
          latestArrivalMs.set(now);
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  /** The tenant's latest VEx total of the month seen so far. */
  long units() {
    return latestUnits.get();
  }

  /** Waits until the total reaches {@code units}; returns when it arrived (epoch ms), or -1. */
  long awaitUnits(long units, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (latestUnits.get() < units) {
      if (System.nanoTime() > deadline) {
        return -1;
      }
      Thread.sleep(5);
    }
    return latestArrivalMs.get();
  }

  /** The lag since the last call, as a line for the report. */
  String report() {
    Histogram lag = lagMicros.getIntervalHistogram();
    return String.format(
        Locale.ROOT,
        "period totals lag (record arrival at a read_committed consumer − newest receipt ts in the"
            + " total): p50 %.0f ms, p99 %.0f ms, max %.0f ms over %,d records",
        lag.getValueAtPercentile(50) / 1e3,
        lag.getValueAtPercentile(99) / 1e3,
        lag.getMaxValue() / 1e3,
        lag.getTotalCount());
  }

  @Override
  public void close() {
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
