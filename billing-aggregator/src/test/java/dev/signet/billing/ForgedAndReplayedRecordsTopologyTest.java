package dev.signet.billing;

import static dev.signet.billing.TestReceipts.receipt;
import static dev.signet.core.topic.Topics.BILLING_OVERAGE;
import static dev.signet.core.topic.Topics.BILLING_PERIOD_TOTALS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.crypto.RecordMac;
import dev.signet.core.crypto.RepairMacs;
import dev.signet.core.json.Json;
import dev.signet.core.message.FuCharge;
import dev.signet.core.message.OverageCharge;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.ReservedConfigChange;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptTimestamps;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client with write access to billing's topics can do: copy a genuine receipt, publish its
 * own price list, or delete a reservation with a tombstone. None of it changes a bill; and every
 * record billing writes carries the MAC its readers check.
 */
class ForgedAndReplayedRecordsTopologyTest {

  private static final String ACME = "acme";
  private static final Instant WALL_CLOCK = Instant.parse("2025-01-20T09:00:00Z");
  private static final Instant JAN_10 = Instant.parse("2025-01-10T10:00:00Z");
  private static final Duration EMIT = Duration.ofSeconds(1);
  private static final Duration CHARGE_INTERVAL = Duration.ofSeconds(10);
  private static final BillingMacs MACS = BillingMacs.of(TestReceipts.SECRET);
  private static final String RESERVATION =
      "{\"vex_reserved\": 1, \"fu_reserved\": 0, \"vex_overage_tiers\": [{\"threshold\": 0,"
          + " \"price_per_unit\": \"0.10\"}]}";

  @TempDir Path stateDir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private BillingDriver billing;
  private TestInputTopic<String, ReservedConfigChange> configs;
  private TestInputTopic<String, ReservedConfigChange> forgedConfigs;
  private TestOutputTopic<String, byte[]> rawPeriods;
  private TestOutputTopic<String, byte[]> rawOverage;

  @BeforeEach
  void startDriver() {
    BillingConfig config =
        BillingDriver.config("forged-records-test", stateDir, EMIT, BillingTopology.DEFAULT_GRACE)
            .withChargeInterval(CHARGE_INTERVAL);
    billing = new BillingDriver(config, registry, WALL_CLOCK);
    configs = billing.configs();
    forgedConfigs = billing.unstampedConfigs();
    rawPeriods = billing.output(BILLING_PERIOD_TOTALS, new ByteArrayDeserializer());
    rawOverage = billing.output(BILLING_OVERAGE, new ByteArrayDeserializer());
  }

  @AfterEach
  void closeDriver() {
    billing.close();
  }

  @Test
  void shouldBillACopiedReceiptOnce() {
    Receipt genuine = receipt(ACME, JAN_10, 5L);
    produce(genuine);
    produce(genuine);
    produce(genuine);

    assertThat(monthTotals())
        .containsEntry("acme@2025-01@vex", 1L)
        .containsEntry("acme@2025-01@fu", 5L);
    assertThat(rejected(DeduplicateReceipts.REPLAYED)).isEqualTo(2);
  }

  @Test
  void shouldBillEveryHopOnceWhateverTheOrderTheyArriveIn() {
    String trace = "trace-out-of-order";
    Receipt hop1 = hop(trace, 1);
    Receipt hop2 = hop(trace, 2);
    Receipt hop3 = hop(trace, 3);
    // A copy of hop 3 arrives before hops 1 and 2 (it was written to another partition).
    produce(hop3);
    produce(hop1);
    produce(hop2);
    produce(hop3);
    produce(hop2);
    produce(hop(trace, 4));

    assertThat(monthTotals()).containsEntry("acme@2025-01@vex", 4L);
    assertThat(rejected(DeduplicateReceipts.REPLAYED)).isEqualTo(2);
  }

  @Test
  void shouldNotBillAReceiptTooOldToTellFromACopy() {
    produce(receipt(ACME, JAN_10, null));
    Instant tooOld = JAN_10.minus(DeduplicateReceipts.DEFAULT_RETENTION).minusSeconds(1);
    produce(receipt(ACME, tooOld, null));
    Instant justInTime = JAN_10.minus(DeduplicateReceipts.DEFAULT_RETENTION);
    produce(receipt(ACME, justInTime, null));

    Map<String, Long> totals = monthTotals();
    assertThat(totals).containsEntry("acme@2025-01@vex", 1L);
    assertThat(totals.get("acme@2024-12@vex")).isEqualTo(1L);
    assertThat(rejected(DeduplicateReceipts.TOO_OLD)).isEqualTo(1);
  }

  @Test
  void shouldBillTheFuOfARejectedRepairOnceAndNeverAForgedCharge() {
    FuCharge charge =
        new FuCharge("repair-1", "t1", ACME, 400, JAN_10.toString(), "SEMANTIC_VIOLATION");
    byte[] value = Json.toBytes(charge);
    RecordMac mac = RepairMacs.of(TestReceipts.SECRET).fuCharge();
    RecordHeaders genuine = new RecordHeaders();
    mac.stamp(genuine, value);
    billing.fuCharges().pipeInput(new TestRecord<>("t1", value, genuine, JAN_10));
    billing.fuCharges().pipeInput(new TestRecord<>("t1", value, genuine, JAN_10));
    byte[] forged =
        Json.toBytes(
            new FuCharge("repair-2", "t1", ACME, 9999, JAN_10.toString(), "REPAIR_FAILED"));
    billing.fuCharges().pipeInput(new TestRecord<>("t1", forged, new RecordHeaders(), JAN_10));
    produce(receipt(ACME, JAN_10, 321L));

    assertThat(monthTotals())
        .as("the charge's FU once, beside the receipt's; no VEx for a rejection")
        .containsEntry(PeriodTotal.key(ACME, "2025-01", PeriodTotal.FU), 721L)
        .containsEntry(PeriodTotal.key(ACME, "2025-01", PeriodTotal.VEX), 1L);
    assertThat(
            BillingDriver.counted(
                registry, AuthenticateMacRecords.FU_CHARGES_REJECTED, "reason", "MAC_INVALID"))
        .isEqualTo(1);
  }

  @Test
  void shouldIgnoreAPriceListWithoutSignetsMacAndATombstone() {
    forgedConfigs.pipeInput(ACME, change(RESERVATION), WALL_CLOCK);
    receipts(3);
    tick(CHARGE_INTERVAL);
    assertThat(rawOverage.isEmpty()).as("a forged reservation is never applied").isTrue();
    assertThat(configRejected("MAC_INVALID")).isEqualTo(1);

    configs.pipeInput(ACME, change(RESERVATION), WALL_CLOCK);
    // A tombstone would remove the reservation: Signet never writes one, so it is ignored.
    forgedConfigs.pipeInput(ACME, null, WALL_CLOCK);
    receipts(3);
    tick(CHARGE_INTERVAL);

    assertThat(rawOverage.readValuesToList()).isNotEmpty();
    assertThat(configRejected("TOMBSTONE")).isEqualTo(1);
  }

  @Test
  void shouldStampEveryPeriodTotalAndChargeWithItsMac() {
    configs.pipeInput(ACME, change(RESERVATION), WALL_CLOCK);
    receipts(4);
    tick(CHARGE_INTERVAL);

    List<TestRecord<String, byte[]>> charges = rawOverage.readRecordsToList();
    List<TestRecord<String, byte[]>> totals = rawPeriods.readRecordsToList();
    assertThat(charges).isNotEmpty();
    assertThat(totals).isNotEmpty();
    assertThat(charges)
        .allSatisfy(r -> assertThat(MACS.overage().verify(r.headers(), r.value())).isTrue())
        .allSatisfy(r -> assertThat(MACS.periodTotals().verify(r.headers(), r.value())).isFalse());
    assertThat(totals)
        .allSatisfy(r -> assertThat(MACS.periodTotals().verify(r.headers(), r.value())).isTrue());
    OverageCharge charge =
        BILLING_OVERAGE.valueSerde().deserializer().deserialize("t", charges.get(0).value());
    assertThat(charge.units()).isEqualTo(3);
  }

  private Receipt hop(String trace, int hop) {
    return receipt(ACME, trace, hop, ReceiptTimestamps.format(JAN_10.plusSeconds(hop)), null);
  }

  private void receipts(int count) {
    for (int i = 0; i < count; i++) {
      produce(receipt(ACME, JAN_10.plusSeconds(i), null));
    }
  }

  private void produce(Receipt receipt) {
    billing.produce(receipt);
  }

  private void tick(Duration duration) {
    billing.advance(duration);
  }

  /** The latest total per key after the next emission. */
  private Map<String, Long> monthTotals() {
    tick(EMIT);
    Map<String, Long> latest = new HashMap<>();
    for (TestRecord<String, byte[]> record : rawPeriods.readRecordsToList()) {
      PeriodTotal total =
          BILLING_PERIOD_TOTALS.valueSerde().deserializer().deserialize("t", record.value());
      latest.put(record.key(), total.units());
    }
    return latest;
  }

  private double rejected(String reason) {
    return BillingDriver.counted(registry, AuthenticateReceipts.REJECTED, "reason", reason);
  }

  private double configRejected(String reason) {
    return BillingDriver.counted(
        registry, AuthenticateMacRecords.RESERVED_CONFIG_REJECTED, "reason", reason);
  }

  private static ReservedConfigChange change(String reservation) {
    return BillingDriver.reservation(ACME, reservation);
  }
}
