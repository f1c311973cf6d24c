package dev.signet.core.billing.tiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.billing.reserved.Allowance;
import dev.signet.core.billing.reserved.OverageBand;
import dev.signet.core.billing.reserved.TenantReservation;
import dev.signet.core.billing.reserved.UnitType;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.Test;

class TierPricingTest {

  private static final Currency USD = Currency.getInstance("USD");
  private static final YearMonth MAY = YearMonth.of(2026, 5);

  /** 1000 reserved; 100 units at 0.05, 200 at 0.02, then 0.01 each. */
  private static final Allowance TIERED =
      new Allowance(
          1000,
          List.of(
              OverageBand.of(100, "0.05", "vex_t1"),
              OverageBand.of(200, "0.02", "vex_t2"),
              OverageBand.of(300, "0.01", "vex_t3")));

  @Test
  void shouldChargeNothingExactlyAtTheReservation() {
    TierCharge charge = TierPricing.charge(TIERED, USD, 1000);

    assertThat(charge.overageUnits()).isZero();
    assertThat(charge.bands()).isEmpty();
    assertThat(charge.total()).isEqualByComparingTo("0.00");
  }

  @Test
  void shouldFillTheFirstBandExactlyAtItsEdge() {
    TierCharge charge = TierPricing.charge(TIERED, USD, 1100);

    assertThat(charge.bands()).containsExactly(band(0, 100, "0.05", "5.00"));
  }

  @Test
  void shouldMoveToTheNextBandOneUnitAfterTheEdge() {
    TierCharge charge = TierPricing.charge(TIERED, USD, 1101);

    assertThat(charge.bands())
        .containsExactly(band(0, 100, "0.05", "5.00"), band(1, 1, "0.02", "0.02"));
  }

  @Test
  void shouldPriceUnitsBeyondTheLastBandAtTheLastBandsPrice() {
    TierCharge charge = TierPricing.charge(TIERED, USD, 1000 + 100 + 200 + 300 + 50);

    assertThat(charge.bands())
        .containsExactly(
            band(0, 100, "0.05", "5.00"),
            band(1, 200, "0.02", "4.00"),
            band(2, 350, "0.01", "3.50"));
    assertThat(charge.total()).isEqualByComparingTo("12.50");
  }

  @Test
  void shouldCountUnitsOfAZeroPriceBandAtNoCharge() {
    Allowance free =
        new Allowance(
            0, List.of(OverageBand.of(10, "0", "free"), OverageBand.of(0, "1.5", "paid")));

    TierCharge charge = TierPricing.charge(free, USD, 12);

    assertThat(charge.bands()).containsExactly(band(0, 10, "0", "0.00"), band(1, 2, "1.5", "3.00"));
  }

  @Test
  void shouldNotBillOverageWithoutBands() {
    TierCharge charge = TierPricing.charge(new Allowance(5, List.of()), USD, 1_000_000);

    assertThat(charge.overageUnits()).isEqualTo(999_995);
    assertThat(charge.bands()).isEmpty();
    assertThat(charge.total()).isEqualByComparingTo("0");
  }

  @Test
  void shouldRoundToWholeYenForJpy() {
    Allowance yen = new Allowance(0, List.of(OverageBand.of(0, "0.5", "jpy")));

    assertThat(TierPricing.charge(yen, Currency.getInstance("JPY"), 5).total())
        .isEqualTo(new BigDecimal("2")); // 2.5 → 2, half-even
    assertThat(TierPricing.charge(yen, Currency.getInstance("JPY"), 7).total())
        .isEqualTo(new BigDecimal("4")); // 3.5 → 4
  }

  @Test
  void shouldRoundToThreeDecimalsForKwd() {
    Allowance dinar = new Allowance(0, List.of(OverageBand.of(0, "0.0001234", "kwd")));

    assertThat(TierPricing.charge(dinar, Currency.getInstance("KWD"), 1000).total())
        .isEqualTo(new BigDecimal("0.123")); // 0.1234
    assertThat(TierPricing.charge(dinar, Currency.getInstance("BHD"), 5000).total())
        .isEqualTo(new BigDecimal("0.617")); // 0.6170
  }

  @Test
  void shouldRoundAtTheChargeNotPerUnit() {
    // Per unit, 0.004 would round to 0.00 and bill nothing; at the charge 1000 units are 4.00.
    Allowance fine = new Allowance(0, List.of(OverageBand.of(0, "0.004", "fu")));

    assertThat(TierPricing.charge(fine, USD, 1000).total()).isEqualTo(new BigDecimal("4.00"));
    assertThat(TierPricing.charge(fine, USD, 1).total()).isEqualTo(new BigDecimal("0.00"));
  }

  @Test
  void shouldRoundHalfEvenAtTheCent() {
    Allowance half = new Allowance(0, List.of(OverageBand.of(0, "0.005", "vex")));

    assertThat(TierPricing.charge(half, USD, 1).total()).isEqualTo(new BigDecimal("0.00"));
    assertThat(TierPricing.charge(half, USD, 3).total()).isEqualTo(new BigDecimal("0.02"));
  }

  @Test
  void shouldChargeAnIncrementAsTheDifferenceOfRoundedCumulativeAmounts() {
    TenantReservation acme =
        reservation(new Allowance(0, List.of(OverageBand.of(0, "0.004", "fu"))));

    // 0 → 1 → 2: 0.004 and 0.008 round to 0.00 and 0.01, so the second unit carries the cent.
    List<ChargeLine> first = TierPricing.increment(acme, MAY, UnitType.VEX, 0, 1);
    List<ChargeLine> second = TierPricing.increment(acme, MAY, UnitType.VEX, 1, 2);

    assertThat(first).singleElement().satisfies(l -> assertThat(l.amount()).isEqualTo("0.00"));
    assertThat(second).singleElement().satisfies(l -> assertThat(l.amount()).isEqualTo("0.01"));
  }

  @Test
  void shouldSplitAnIncrementThatCrossesABandEdgeIntoOneLinePerBand() {
    TenantReservation acme = reservation(TIERED);

    List<ChargeLine> lines = TierPricing.increment(acme, MAY, UnitType.VEX, 990, 1150);

    assertThat(lines)
        .extracting(ChargeLine::band, ChargeLine::units, ChargeLine::amount)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, 100L, new BigDecimal("5.00")),
            org.assertj.core.groups.Tuple.tuple(1, 50L, new BigDecimal("1.00")));
    assertThat(lines.get(1).stripeItem()).contains("vex_t2");
    assertThat(lines.get(1).unitPrice()).isEqualByComparingTo("0.02");
  }

  @Test
  void shouldEmitNoLineForAnIncrementWithinTheReservation() {
    assertThat(TierPricing.increment(reservation(TIERED), MAY, UnitType.VEX, 10, 1000)).isEmpty();
  }

  @Test
  void shouldUseTheAllowanceOfTheUnitType() {
    TenantReservation acme =
        new TenantReservation("acme", USD, Allowance.NONE, new Allowance(5, TIERED.overageTiers()));

    assertThat(TierPricing.increment(acme, MAY, UnitType.FU, 0, 6))
        .singleElement()
        .satisfies(l -> assertThat(l.type()).isEqualTo(UnitType.FU));
  }

  @Test
  void shouldRefuseAShrinkingTotal() {
    assertThatThrownBy(() -> TierPricing.increment(reservation(TIERED), MAY, UnitType.VEX, 5, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only grows");
  }

  @Test
  void shouldGiveAReplayedIncrementTheSameChargeId() {
    List<ChargeLine> once =
        TierPricing.increment(reservation(TIERED), MAY, UnitType.VEX, 990, 1150);
    List<ChargeLine> again =
        TierPricing.increment(reservation(TIERED), MAY, UnitType.VEX, 990, 1150);

    assertThat(again).isEqualTo(once);
    assertThat(once.get(0).chargeId()).startsWith("ch-").hasSize(3 + 64);
    assertThat(once.get(0).chargeId()).isNotEqualTo(once.get(1).chargeId());
  }

  @Test
  void shouldGiveEachMonthTypeAndIncrementItsOwnChargeId() {
    String base = ChargeIds.of("acme", MAY, UnitType.VEX, 0, 10, 20);

    assertThat(ChargeIds.of("acme", MAY.plusMonths(1), UnitType.VEX, 0, 10, 20)).isNotEqualTo(base);
    assertThat(ChargeIds.of("acme", MAY, UnitType.FU, 0, 10, 20)).isNotEqualTo(base);
    assertThat(ChargeIds.of("acme", MAY, UnitType.VEX, 0, 10, 21)).isNotEqualTo(base);
    assertThat(ChargeIds.of("acme2", MAY, UnitType.VEX, 0, 10, 20)).isNotEqualTo(base);
    assertThat(ChargeIds.of("acme", MAY, UnitType.VEX, 0, 10, 20)).isEqualTo(base);
  }

  private static TenantReservation reservation(Allowance vex) {
    return new TenantReservation("acme", USD, vex, Allowance.NONE);
  }

  private static BandCharge band(int index, long units, String price, String amount) {
    return new BandCharge(index, units, new BigDecimal(price), new BigDecimal(amount));
  }
}
