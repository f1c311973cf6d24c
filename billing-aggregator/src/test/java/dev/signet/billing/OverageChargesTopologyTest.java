package dev.signet.billing;

import static dev.signet.billing.TestReceipts.receipt;
import static dev.signet.core.topic.Topics.BILLING_OVERAGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.billing.reserved.UnitType;
import dev.signet.core.billing.tiers.ChargeIds;
import dev.signet.core.message.OverageCharge;
import dev.signet.core.message.ReservedConfigChange;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.tenant.ApiKeysConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Overage charges from receipts and reserved-config changes, with explicit time. */
class OverageChargesTopologyTest {

  private static final Instant WALL_CLOCK = Instant.parse("2025-01-20T08:00:00Z");
  private static final Instant JAN_10 = Instant.parse("2025-01-10T10:00:00Z");
  private static final Instant FEB_1 = Instant.parse("2025-02-01T00:00:00Z");
  private static final Duration CHARGE_INTERVAL = Duration.ofSeconds(60);
  private static final String ACME = "acme";

  /** 10 VEx included; then 5 at 0.10 (band item), then open-ended at 0.05 (tenant's item). */
  private static final String TIERED =
      """
      {"vex_reserved": 10, "fu_reserved": 100, "currency": "USD",
       "vex_overage_tiers": [
         {"threshold": 5, "price_per_unit": "0.10", "stripe_item": "vex_band_0"},
         {"threshold": 0, "price_per_unit": "0.05"}],
       "fu_overage_tiers": [{"threshold": 0, "price_per_unit": "0.001", "stripe_item": "fu_0"}]}
      """;

  /** The same allowance, its first band ten times dearer. */
  private static final String DEARER = TIERED.replace("\"0.10\"", "\"1.00\"");

  private static final ApiKeys API_KEYS =
      ApiKeys.parse(
          """
          {"key-without-stripe": {"tenant": "acme"},
           "key-1": {"tenant": "acme", "stripe_customer": "cus_acme", "stripe_item_vex": "vex_default"},
           "key-2": {"tenant": "acme", "stripe_customer": "cus_other"}}
          """);

  @TempDir Path stateDir;

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private BillingDriver billing;
  private TestOutputTopic<String, OverageCharge> overage;

  @BeforeEach
  void startDriver() {
    start(stateDir);
  }

  @AfterEach
  void closeDriver() {
    billing.close();
  }

  @Test
  void shouldChargeTheOverageAtTheIntervalAndNotBefore() {
    configure(TIERED);
    receipts(12, JAN_10);

    tick(CHARGE_INTERVAL.minusMillis(1));
    assertThat(overage.isEmpty()).as("no charge before the interval").isTrue();
    tick(Duration.ofMillis(1));

    assertThat(overage.readRecordsToList())
        .singleElement()
        .satisfies(
            record -> {
              assertThat(record.key()).isEqualTo(ACME);
              assertThat(record.value())
                  .isEqualTo(
                      new OverageCharge(
                          ChargeIds.of(ACME, YearMonth.of(2025, 1), UnitType.VEX, 0, 0, 12),
                          ACME,
                          "2025-01",
                          "vex",
                          0,
                          2,
                          "0.10",
                          "0.20",
                          "USD",
                          0,
                          12,
                          new OverageCharge.Window(
                              JAN_10.toString(), JAN_10.plusSeconds(11).toString()),
                          "vex_band_0",
                          "cus_acme",
                          billing.wallClock().toString()));
            });
  }

  @Test
  void shouldChargeNothingWithinTheReservation() {
    configure(TIERED);
    receipts(10, JAN_10);

    tick(CHARGE_INTERVAL);

    assertThat(overage.isEmpty()).isTrue();
  }

  @Test
  void shouldSplitAnIncrementAcrossTheBandsItCrosses() {
    configure(TIERED);
    receipts(18, JAN_10);

    tick(CHARGE_INTERVAL);

    assertThat(overage.readValuesToList())
        .extracting(
            OverageCharge::band,
            OverageCharge::units,
            OverageCharge::amount,
            OverageCharge::stripeEventName)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, 5L, "0.50", "vex_band_0"),
            // The band names no item: the tenant's stripe_item_vex, from its first key naming one.
            org.assertj.core.groups.Tuple.tuple(1, 3L, "0.15", "vex_default"));
    assertThat(overageUnits("0")).isEqualTo(5);
    assertThat(overageUnits("1")).isEqualTo(3);
  }

  @Test
  void shouldChargeOnlyTheUsageSinceTheLastCharge() {
    configure(TIERED);
    receipts(12, JAN_10);
    tick(CHARGE_INTERVAL);
    overage.readValuesToList();

    receipts(2, JAN_10.plusSeconds(600));
    tick(CHARGE_INTERVAL);

    assertThat(overage.readValuesToList())
        .singleElement()
        .satisfies(
            charge -> {
              assertThat(charge.usedBefore()).isEqualTo(12);
              assertThat(charge.usedAfter()).isEqualTo(14);
              assertThat(charge.units()).isEqualTo(2);
              assertThat(charge.window())
                  .isEqualTo(
                      new OverageCharge.Window(
                          JAN_10.plusSeconds(600).toString(), JAN_10.plusSeconds(601).toString()));
            });
  }

  @Test
  void shouldChargePendingUsageWithTheOldConfigBeforeAChangeApplies() {
    configure(TIERED);
    receipts(12, JAN_10);

    configure(DEARER);
    List<OverageCharge> atTheChange = overage.readValuesToList();
    receipts(1, JAN_10.plusSeconds(600));
    tick(CHARGE_INTERVAL);
    List<OverageCharge> after = overage.readValuesToList();

    assertThat(atTheChange)
        .as("charged when the change arrived, at the old price")
        .singleElement()
        .satisfies(
            charge -> {
              assertThat(charge.units()).isEqualTo(2);
              assertThat(charge.unitPrice()).isEqualTo("0.10");
              assertThat(charge.amount()).isEqualTo("0.20");
            });
    assertThat(after)
        .singleElement()
        .satisfies(
            charge -> {
              assertThat(charge.usedBefore()).isEqualTo(12);
              assertThat(charge.units()).isEqualTo(1);
              assertThat(charge.unitPrice()).isEqualTo("1.00");
              assertThat(charge.amount()).isEqualTo("1.00");
            });
  }

  @Test
  void shouldStartANewPeriodAtMidnightUtc() {
    configure(TIERED);
    receipts(11, FEB_1.minusSeconds(11));
    receipts(11, FEB_1);

    tick(CHARGE_INTERVAL);

    assertThat(overage.readValuesToList())
        .extracting(OverageCharge::period, OverageCharge::units, OverageCharge::usedAfter)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("2025-01", 1L, 11L),
            org.assertj.core.groups.Tuple.tuple("2025-02", 1L, 11L));
  }

  @Test
  void shouldStopChargingWhenTheReservationIsRemoved() {
    configure(TIERED);
    assertThat(reservedCapacity("vex")).isEqualTo(10);
    receipts(12, JAN_10);
    tick(CHARGE_INTERVAL);
    assertThat(overage.readValuesToList()).hasSize(1);

    billing
        .configs()
        .pipeInput(
            ACME,
            new ReservedConfigChange(
                ACME,
                ReservedConfigChange.REMOVED,
                null,
                null,
                "v1",
                "2025-01-20T08:00:00Z",
                "test",
                "s"),
            billing.wallClock());
    receipts(5, JAN_10.plusSeconds(600));
    tick(CHARGE_INTERVAL);

    assertThat(overage.isEmpty()).isTrue();
    assertThat(registry.find(BillingMeters.RESERVED_CAPACITY).gauges()).isEmpty();
  }

  @Test
  void shouldIgnoreAConfigThatDoesNotReadAndKeepTheOldOne() {
    configure(TIERED);
    configure("{\"vex_reserved\": -1, \"fu_reserved\": 0}");
    receipts(12, JAN_10);

    tick(CHARGE_INTERVAL);

    assertThat(overage.readValuesToList())
        .singleElement()
        .satisfies(charge -> assertThat(charge.unitPrice()).isEqualTo("0.10"));
    assertThat(registry.get(BillingMeters.CONFIG_INVALID).counter().count()).isEqualTo(1);
    assertThat(reservedCapacity("vex")).isEqualTo(10);
  }

  @Test
  void shouldNotChargeUsageFromBeforeTheTenantHadAReservation() {
    receipts(12, JAN_10);
    tick(CHARGE_INTERVAL);
    assertThat(overage.isEmpty()).isTrue();

    configure(TIERED);
    receipts(2, JAN_10.plusSeconds(600));
    tick(CHARGE_INTERVAL);

    assertThat(overage.readValuesToList())
        .singleElement()
        .satisfies(
            charge -> {
              assertThat(charge.usedBefore()).isEqualTo(12);
              assertThat(charge.usedAfter()).isEqualTo(14);
              assertThat(charge.units()).isEqualTo(2);
            });
  }

  @Test
  void shouldChargeFuTokensThroughTheirOwnBands() {
    configure(TIERED);
    produce(receipt(ACME, JAN_10, 1_250L));

    tick(CHARGE_INTERVAL);

    assertThat(overage.readValuesToList())
        .singleElement()
        .satisfies(
            charge -> {
              assertThat(charge.type()).isEqualTo("fu");
              assertThat(charge.units()).isEqualTo(1_150);
              assertThat(charge.amount()).isEqualTo("1.15");
              assertThat(charge.stripeEventName()).isEqualTo("fu_0");
            });
  }

  @Test
  void shouldReplayTheSameRecordsIntoTheSameChargeIds(@TempDir Path otherStateDir) {
    configure(TIERED);
    Receipt[] receipts = new Receipt[14];
    for (int i = 0; i < receipts.length; i++) {
      receipts[i] = receipt(ACME, JAN_10.plusSeconds(i), null);
    }
    for (int i = 0; i < 12; i++) {
      produce(receipts[i]);
    }
    tick(CHARGE_INTERVAL);
    produce(receipts[12]);
    produce(receipts[13]);
    tick(CHARGE_INTERVAL);
    List<String> first = overage.readValuesToList().stream().map(OverageCharge::chargeId).toList();

    // State lost and rebuilt from the topics: the same records at the same charge ticks.
    billing.close();
    start(otherStateDir);
    configure(TIERED);
    for (int i = 0; i < 12; i++) {
      produce(receipts[i]);
    }
    tick(CHARGE_INTERVAL);
    produce(receipts[12]);
    produce(receipts[13]);
    tick(CHARGE_INTERVAL);
    List<String> replayed =
        overage.readValuesToList().stream().map(OverageCharge::chargeId).toList();

    assertThat(first).hasSize(2);
    assertThat(replayed)
        .as("the ledger's unique charge_id then records each charge once")
        .isEqualTo(first);
  }

  @Test
  void shouldReadUsageWrittenToTheRepartitionTopicBeforeConfigChangesJoinedIt() {
    byte[] oldFormat =
        ("{\"tenant\":\"acme\",\"trace_id\":\"t-1\",\"hop\":1,\"vex\":1,\"fu_tokens\":7,"
                + "\"timestamp_ms\":1736503200000}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    TenantEvent event =
        BillingTopology.TENANT_EVENT_SERDE.deserializer().deserialize("usage-by-tenant", oldFormat);

    assertThat(event).isEqualTo(new UsageEvent(ACME, "t-1", 1, 1, 7, 1736503200000L));
  }

  @Test
  void shouldTellUsageAndConfigApartOnTheRepartitionTopic() {
    ReservedConfigEvent config = new ReservedConfigEvent(ACME, change(TIERED));
    UsageEvent usage = new UsageEvent(ACME, "t-1", 1, 1, 0, 1L);
    var serde = BillingTopology.TENANT_EVENT_SERDE;

    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", config)))
        .isEqualTo(config);
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", usage)))
        .isEqualTo(usage);
  }

  private void start(Path dir) {
    BillingConfig config =
        BillingDriver.config(
                "overage-test", dir, Duration.ofSeconds(1), BillingTopology.DEFAULT_GRACE)
            .withChargeInterval(CHARGE_INTERVAL)
            .withApiKeys(ApiKeysConfig.fixed(API_KEYS));
    billing = new BillingDriver(config, registry, WALL_CLOCK);
    overage = billing.output(BILLING_OVERAGE);
  }

  private void tick(Duration duration) {
    billing.advance(duration);
  }

  private void configure(String reservation) {
    billing.configs().pipeInput(ACME, change(reservation), billing.wallClock());
  }

  private static ReservedConfigChange change(String reservation) {
    return BillingDriver.reservation(ACME, reservation);
  }

  /** {@code count} receipts without FU, signed a second apart from {@code first}. */
  private void receipts(int count, Instant first) {
    for (int i = 0; i < count; i++) {
      produce(receipt(ACME, first.plusSeconds(i), null));
    }
  }

  private void produce(Receipt receipt) {
    billing.produce(receipt);
  }

  private double overageUnits(String band) {
    return BillingDriver.counted(
        registry, BillingMeters.OVERAGE_UNITS, "tenant", ACME, "type", "vex", "band", band);
  }

  private double reservedCapacity(String type) {
    Gauge gauge =
        registry.find(BillingMeters.RESERVED_CAPACITY).tags("tenant", ACME, "type", type).gauge();
    return gauge == null ? -1 : gauge.value();
  }
}
