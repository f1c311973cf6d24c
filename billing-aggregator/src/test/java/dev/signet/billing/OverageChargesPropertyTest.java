package dev.signet.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.billing.reserved.Allowance;
import dev.signet.core.billing.reserved.ReservedConfigParser;
import dev.signet.core.billing.reserved.TenantReservation;
import dev.signet.core.billing.reserved.UnitType;
import dev.signet.core.billing.tiers.BandCharge;
import dev.signet.core.billing.tiers.TierCharge;
import dev.signet.core.billing.tiers.TierPricing;
import dev.signet.core.json.Json;
import dev.signet.core.message.OverageCharge;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.ReservedConfigChange;
import dev.signet.core.topic.JsonSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * For random band tables, random usage in one month and random charge times, the charges billing
 * emits add up, per tenant and type, to the tier formula on the month's total: to the minor unit,
 * and unit for unit in every band. Seeded, so a failure reproduces.
 *
 * <p>Drives the period sum and the charge processor directly over in-memory stores (the topology
 * test covers the wiring): fast enough for many rounds.
 */
class OverageChargesPropertyTest {

  private static final long SEED = 0x5167_6e65_7408L;
  private static final int ROUNDS = 300;
  private static final Instant MONTH_START = Instant.parse("2025-03-01T00:00:00Z");
  private static final long MONTH_MILLIS = Duration.ofDays(31).toMillis();
  private static final String[] CURRENCIES = {"USD", "EUR", "JPY", "KWD"};

  @Test
  void shouldSumTheChargesOfAMonthToTheTierFormulaOnItsTotal() {
    Random random = new Random(SEED);
    int charged = 0;
    for (int round = 0; round < ROUNDS; round++) {
      charged += runRound(random, "tenant-" + round);
    }
    assertThat(charged).as("charges emitted over all rounds").isGreaterThan(ROUNDS);
  }

  /** One tenant's month; returns how many charges it emitted. */
  private int runRound(Random random, String tenant) {
    Harness harness = new Harness();
    String entry = randomReservation(random);
    TenantReservation reservation = parsed(tenant, entry);
    harness.event(new ReservedConfigEvent(tenant, change(tenant, entry)), 0);

    long vex = 0;
    long fu = 0;
    int receipts = random.nextInt(200);
    for (int i = 0; i < receipts; i++) {
      long signedAt = MONTH_START.toEpochMilli() + Math.floorMod(random.nextLong(), MONTH_MILLIS);
      long tokens = random.nextInt(3) == 0 ? 0 : random.nextInt(2_000);
      harness.usage(new UsageEvent(tenant, "t-" + i, 1, 1, tokens, signedAt), signedAt);
      vex += 1;
      fu += tokens;
      if (random.nextInt(8) == 0) {
        // A random charge time: the month is charged in random increments.
        harness.chargeTick();
      }
    }
    harness.chargeTick();

    Map<String, List<OverageCharge>> charges = new HashMap<>();
    for (OverageCharge charge : harness.charges()) {
      charges
          .computeIfAbsent(charge.tenant() + "/" + charge.type(), k -> new ArrayList<>())
          .add(charge);
    }
    check(reservation, UnitType.VEX, vex, charges);
    check(reservation, UnitType.FU, fu, charges);
    return harness.charges().size();
  }

  /** The period sum and the charge processor of one task, sharing the totals store. */
  private static final class Harness {
    private final MockProcessorContext<String, PeriodTotal> sumContext =
        new MockProcessorContext<>();
    private final MockProcessorContext<String, OverageCharge> chargeContext =
        new MockProcessorContext<>();
    private final SumUsagePerPeriod sum;
    private final ChargeOverage charge;

    Harness() {
      sumContext.setCurrentSystemTimeMs(MONTH_START.toEpochMilli());
      chargeContext.setCurrentSystemTimeMs(MONTH_START.toEpochMilli());
      KeyValueStore<String, Long> totals = store("totals", Serdes.Long());
      KeyValueStore<String, Long> dirty = store("dirty", Serdes.Long());
      sumContext.addStateStore(totals);
      sumContext.addStateStore(dirty);
      chargeContext.addStateStore(totals);
      chargeContext.addStateStore(store("configs", JsonSerde.of(ReservedConfigChange.class)));
      chargeContext.addStateStore(store("charged", Serdes.Long()));
      chargeContext.addStateStore(store("pending", UsageSpan.SERDE));
      BillingMeters meters = new BillingMeters(new SimpleMeterRegistry());
      sum = new SumUsagePerPeriod("totals", "dirty", Duration.ofSeconds(1), meters);
      sum.init(sumContext);
      charge =
          new ChargeOverage(
              new ChargeOverage.Stores("totals", "configs", "charged", "pending"),
              Duration.ofSeconds(60),
              StripeNames.NONE,
              meters);
      charge.init(chargeContext);
    }

    private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
      KeyValueStore<String, V> store =
          Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
              .withLoggingDisabled()
              .build();
      store.init(sumContext.getStateStoreContext(), store);
      return store;
    }

    void usage(UsageEvent usage, long timestamp) {
      sum.process(new Record<>(usage.tenant(), usage, timestamp));
      event(usage, timestamp);
    }

    void event(TenantEvent event, long timestamp) {
      charge.process(new Record<>(event.tenant(), event, timestamp));
    }

    void chargeTick() {
      chargeContext.scheduledPunctuators().get(0).getPunctuator().punctuate(0);
    }

    List<OverageCharge> charges() {
      return chargeContext.forwarded().stream()
          .<OverageCharge>map(f -> f.record().value())
          .toList();
    }
  }

  private static void check(
      TenantReservation reservation,
      UnitType type,
      long monthTotal,
      Map<String, List<OverageCharge>> charges) {
    Allowance allowance = reservation.allowance(type);
    TierCharge formula = TierPricing.charge(allowance, reservation.currency(), monthTotal);
    List<OverageCharge> emitted =
        charges.getOrDefault(reservation.tenant() + "/" + type.wireName(), List.of());
    String what = reservation + " " + type + " total " + monthTotal;

    BigDecimal sum =
        emitted.stream()
            .map(charge -> new BigDecimal(charge.amount()))
            .reduce(formula.total(), (acc, amount) -> acc.subtract(amount));
    assertThat(sum.signum()).as("formula minus charges, %s", what).isZero();
    Map<Integer, Long> unitsPerBand = new HashMap<>();
    emitted.forEach(charge -> unitsPerBand.merge(charge.band(), charge.units(), Long::sum));
    Map<Integer, Long> expected = new HashMap<>();
    for (BandCharge band : formula.bands()) {
      expected.put(band.band(), band.units());
    }
    assertThat(unitsPerBand).as("units per band, %s", what).isEqualTo(expected);
    emitted.forEach(
        charge -> {
          assertThat(charge.currency()).isEqualTo(reservation.currency().getCurrencyCode());
          assertThat(new BigDecimal(charge.amount()).scale())
              .isEqualTo(reservation.currency().getDefaultFractionDigits());
        });
  }

  private static String randomReservation(Random random) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("currency", CURRENCIES[random.nextInt(CURRENCIES.length)]);
    entry.put("vex_reserved", random.nextInt(15));
    entry.put("fu_reserved", random.nextInt(5_000));
    entry.put("vex_overage_tiers", randomBands(random, 6));
    entry.put("fu_overage_tiers", randomBands(random, 3_000));
    return Json.toText(entry);
  }

  private static List<Map<String, Object>> randomBands(Random random, int maxWidth) {
    int count = random.nextInt(4);
    List<Map<String, Object>> bands = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean last = i == count - 1;
      long threshold = last && random.nextBoolean() ? 0 : 1 + random.nextInt(maxWidth);
      // Prices with more decimals than the currency has, so rounding is exercised.
      BigDecimal price = BigDecimal.valueOf(random.nextInt(100_000), random.nextInt(6));
      bands.add(Map.of("threshold", threshold, "price_per_unit", price.toPlainString()));
    }
    return bands;
  }

  private static TenantReservation parsed(String tenant, String entry) {
    ReservedConfigParser.Outcome outcome =
        ReservedConfigParser.parse(Json.toText(Map.of(tenant, Json.parse(entry))));
    assertThat(outcome).isInstanceOf(ReservedConfigParser.Parsed.class);
    return ((ReservedConfigParser.Parsed) outcome).config().tenant(tenant).orElseThrow();
  }

  private static ReservedConfigChange change(String tenant, String entry) {
    return new ReservedConfigChange(
        tenant,
        ReservedConfigChange.SET,
        Json.parse(entry),
        "v-" + tenant,
        null,
        "2025-03-01T00:00:00Z",
        "test",
        "sha");
  }
}
