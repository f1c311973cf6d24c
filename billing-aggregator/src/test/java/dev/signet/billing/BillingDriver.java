package dev.signet.billing;

import static dev.signet.core.topic.Topics.BILLING_RESERVED_CONFIG;
import static dev.signet.core.topic.Topics.RECEIPTS;

import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.json.Json;
import dev.signet.core.message.ReservedConfigChange;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.topic.MacStampingSerializer;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Billing's topology as {@link BillingService} builds it, in a {@link TopologyTestDriver}: receipts
 * go in as the processor writes them (their serde's bytes with their MAC), reserved-config changes
 * as Signet publishes them or as a client without the secret would, and the test moves the wall
 * clock.
 */
final class BillingDriver implements AutoCloseable {

  /** How long after it is signed a receipt reaches the receipts topic. */
  static final Duration PRODUCE_DELAY = Duration.ofMillis(20);

  private final TopologyTestDriver driver;
  private final TestInputTopic<String, byte[]> rawReceipts;
  private final TestInputTopic<String, ReservedConfigChange> configs;
  private final TestInputTopic<String, ReservedConfigChange> unstampedConfigs;
  private final TestInputTopic<String, byte[]> fuCharges;
  private Instant wallClock;

  BillingDriver(BillingConfig config, MeterRegistry registry, Instant wallClock) {
    this.driver =
        new TopologyTestDriver(
            BillingService.topology(config, registry).build(),
            config.streamsProperties(),
            wallClock);
    this.wallClock = wallClock;
    this.rawReceipts =
        driver.createInputTopic(RECEIPTS.name(), new StringSerializer(), new ByteArraySerializer());
    this.configs =
        driver.createInputTopic(
            BILLING_RESERVED_CONFIG.name(),
            BILLING_RESERVED_CONFIG.keySerde().serializer(),
            new MacStampingSerializer<>(
                BILLING_RESERVED_CONFIG.valueSerde().serializer(),
                BillingMacs.of(config.serverSecret()).reservedConfig()));
    this.fuCharges =
        driver.createInputTopic(
            Topics.EXCHANGE_FU_CHARGES.name(), new StringSerializer(), new ByteArraySerializer());
    this.unstampedConfigs =
        driver.createInputTopic(
            BILLING_RESERVED_CONFIG.name(),
            BILLING_RESERVED_CONFIG.keySerde().serializer(),
            BILLING_RESERVED_CONFIG.valueSerde().serializer());
  }

  /** A config that reaches no broker and checks MACs made with {@link TestReceipts#SECRET}. */
  static BillingConfig config(
      String applicationId, Path stateDir, Duration commitInterval, Duration grace) {
    return new BillingConfig(
        "127.0.0.1:9", applicationId, stateDir, commitInterval, grace, 1, TestReceipts.SECRET);
  }

  /** Writes {@code receipt} as the processor does, {@link #PRODUCE_DELAY} after it was signed. */
  void produce(Receipt receipt) {
    produce(receipt, Instant.parse(receipt.ts()).plus(PRODUCE_DELAY));
  }

  /** Writes {@code receipt} as the processor does, with the record timestamp {@code producedAt}. */
  void produce(Receipt receipt, Instant producedAt) {
    produceWithMac(receipt.traceId(), TestReceipts.bytes(receipt), producedAt);
  }

  /** Writes {@code value} to the receipts topic with the processor's MAC over it. */
  void produceWithMac(String key, byte[] value, Instant producedAt) {
    rawReceipts.pipeInput(
        new TestRecord<>(key, value, TestReceipts.genuineHeaders(value), producedAt));
  }

  /** The receipts topic as bytes, for records the processor does not write. */
  TestInputTopic<String, byte[]> rawReceipts() {
    return rawReceipts;
  }

  /** The reserved-config topic, each value stamped with Signet's MAC as the publisher does. */
  TestInputTopic<String, ReservedConfigChange> configs() {
    return configs;
  }

  /** The reserved-config topic without a MAC: what a client without the secret can write. */
  TestInputTopic<String, ReservedConfigChange> unstampedConfigs() {
    return unstampedConfigs;
  }

  /** The processor's FU charges topic, as bytes: the test sets the MAC header or not. */
  TestInputTopic<String, byte[]> fuCharges() {
    return fuCharges;
  }

  /** {@code topic} read with its serdes. */
  <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  /** {@code topic} read with a String key and {@code values}. */
  <V> TestOutputTopic<String, V> output(Topic<String, ?> topic, Deserializer<V> values) {
    return driver.createOutputTopic(topic.name(), new StringDeserializer(), values);
  }

  /** Moves the wall clock on, running the punctuations that fall due. */
  void advance(Duration duration) {
    wallClock = wallClock.plus(duration);
    driver.advanceWallClockTime(duration);
  }

  /** The driver's wall clock. */
  Instant wallClock() {
    return wallClock;
  }

  @Override
  public void close() {
    driver.close();
  }

  /** Signet's change setting {@code tenant}'s reservation to the JSON {@code reservation}. */
  static ReservedConfigChange reservation(String tenant, String reservation) {
    return new ReservedConfigChange(
        tenant,
        ReservedConfigChange.SET,
        Json.parse(reservation),
        Integer.toHexString(reservation.hashCode()),
        null,
        "2025-01-20T08:00:00Z",
        "test",
        "sha");
  }

  /** The count of {@code meter} with {@code tags}; 0 while nothing was counted. */
  static double counted(MeterRegistry registry, String meter, String... tags) {
    Counter counter = registry.find(meter).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }
}
