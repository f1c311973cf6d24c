package dev.signet.core.billing.tiers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.billing.reserved.Allowance;
import dev.signet.core.billing.reserved.OverageBand;
import dev.signet.core.billing.reserved.TenantReservation;
import dev.signet.core.billing.reserved.UnitType;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * For random band tables and random usage sequences of a month, the increments' charges add up to
 * the tier formula on the month's total, and no unit is billed twice. Seeded, so a failure names
 * its repetition and replays exactly.
 */
class TierPricingPropertyTest {

  private static final List<Currency> CURRENCIES =
      List.of(
          Currency.getInstance("USD"), Currency.getInstance("JPY"), Currency.getInstance("KWD"));
  private static final YearMonth PERIOD = YearMonth.of(2026, 2);

  @RepeatedTest(value = 500, name = "seed {currentRepetition}")
  void shouldSumIncrementalChargesToTheMonthlyFormulaExactly(RepetitionInfo repetition) {
    Random random = new Random(8_000L + repetition.getCurrentRepetition());
    Currency currency = CURRENCIES.get(random.nextInt(CURRENCIES.size()));
    Allowance allowance = randomAllowance(random);
    TenantReservation tenant =
        new TenantReservation("t-" + random.nextInt(5), currency, allowance, Allowance.NONE);

    Map<Integer, Long> unitsByBand = new HashMap<>();
    Map<Integer, BigDecimal> amountByBand = new HashMap<>();
    Set<String> chargeIds = new HashSet<>();
    long used = 0;
    int increments = 1 + random.nextInt(40);
    for (int i = 0; i < increments; i++) {
      long next = used + randomIncrement(random);
      for (ChargeLine line : TierPricing.increment(tenant, PERIOD, UnitType.VEX, used, next)) {
        assertThat(line.amount().signum()).isNotNegative();
        assertThat(line.amount().scale()).isEqualTo(currency.getDefaultFractionDigits());
        assertThat(chargeIds.add(line.chargeId())).as("charge id unique").isTrue();
        unitsByBand.merge(line.band(), line.units(), Long::sum);
        amountByBand.merge(line.band(), line.amount(), BigDecimal::add);
      }
      used = next;
    }

    TierCharge month = TierPricing.charge(allowance, currency, used);
    Map<Integer, Long> expectedUnits = new HashMap<>();
    Map<Integer, BigDecimal> expectedAmounts = new HashMap<>();
    for (BandCharge band : month.bands()) {
      expectedUnits.put(band.band(), band.units());
      expectedAmounts.put(band.band(), band.amount());
    }
    assertThat(unitsByBand).isEqualTo(expectedUnits);
    assertThat(amountByBand).isEqualTo(expectedAmounts);
    long billedUnits = unitsByBand.values().stream().mapToLong(Long::longValue).sum();
    long overage = Math.max(0, used - allowance.reserved());
    assertThat(billedUnits).isEqualTo(allowance.overageTiers().isEmpty() ? 0 : overage);
    assertThat(month.total())
        .isEqualTo(
            amountByBand.values().stream()
                .reduce(
                    BigDecimal.ZERO.setScale(currency.getDefaultFractionDigits()),
                    BigDecimal::add));
  }

  @RepeatedTest(value = 200, name = "seed {currentRepetition}")
  void shouldNeverBillMoreUnitsToABandThanItsWidth(RepetitionInfo repetition) {
    Random random = new Random(9_000L + repetition.getCurrentRepetition());
    Allowance allowance = randomAllowance(random);
    long used = random.nextInt(5_000);

    TierCharge month = TierPricing.charge(allowance, Currency.getInstance("USD"), used);

    List<OverageBand> tiers = allowance.overageTiers();
    for (BandCharge band : month.bands()) {
      if (band.band() < tiers.size() - 1) {
        assertThat(band.units()).isLessThanOrEqualTo(tiers.get(band.band()).threshold());
      }
    }
    // A band only starts once every band before it is full.
    for (int i = 1; i < month.bands().size(); i++) {
      BandCharge previous = month.bands().get(i - 1);
      assertThat(month.bands().get(i).band()).isEqualTo(previous.band() + 1);
      assertThat(previous.units()).isEqualTo(tiers.get(previous.band()).threshold());
    }
  }

  private static Allowance randomAllowance(Random random) {
    int count = random.nextInt(5);
    List<OverageBand> bands = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean last = i == count - 1;
      long width = last && random.nextBoolean() ? 0 : 1 + random.nextInt(300);
      bands.add(new OverageBand(width, randomPrice(random), Optional.of("item-" + i)));
    }
    return new Allowance(random.nextInt(500), bands);
  }

  /** 0 to 6 decimals, sometimes zero, often finer than the currency's minor unit. */
  private static BigDecimal randomPrice(Random random) {
    if (random.nextInt(8) == 0) {
      return BigDecimal.ZERO;
    }
    return BigDecimal.valueOf(random.nextInt(100_000), random.nextInt(7));
  }

  private static long randomIncrement(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> 1;
      case 2 -> random.nextInt(10);
      default -> random.nextInt(400);
    };
  }
}
