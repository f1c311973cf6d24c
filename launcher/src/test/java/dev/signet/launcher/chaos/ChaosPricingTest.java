package dev.signet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.billing.reserved.ReservedConfigParser;
import dev.signet.core.billing.reserved.TenantReservation;
import dev.signet.core.billing.reserved.UnitType;
import dev.signet.core.billing.tiers.TierCharge;
import dev.signet.core.billing.tiers.TierPricing;
import dev.signet.launcher.chaos.ChaosPricing.BandAmount;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChaosPricingTest {

  private final ChaosPricing pricing = ChaosPricing.forRun(1_000);

  @Test
  void shouldReserveAFifthOfTheRunPerTenantWithAFirstBandOfATenth() {
    assertThat(pricing).isEqualTo(new ChaosPricing(200, 100));
  }

  @Test
  void shouldPriceNothingWithinTheReservation() {
    assertThat(pricing.formula(200)).isEmpty();
  }

  @Test
  void shouldFillTheFirstBandThenTheOpenBandRoundingEachOnce() {
    // 301 over: 100 × 0.0125 = 1.25, 201 × 0.004 = 0.804 → 0.80
    assertThat(pricing.formula(501))
        .isEqualTo(
            Map.of(
                0, new BandAmount(100, new BigDecimal("1.25")),
                1, new BandAmount(201, new BigDecimal("0.80"))));
  }

  @ParameterizedTest(name = "{0} used")
  @ValueSource(longs = {0, 199, 200, 201, 250, 299, 300, 301, 537, 10_000})
  void shouldAgreeWithBillingsOwnPricingOfTheFileItWrites(long used) {
    ReservedConfigParser.Parsed parsed =
        (ReservedConfigParser.Parsed)
            ReservedConfigParser.parse(pricing.reservedConfigJson(List.of("acme", "globex")));
    TenantReservation acme = parsed.config().tenant("acme").orElseThrow();

    TierCharge billing = TierPricing.charge(acme.allowance(UnitType.VEX), acme.currency(), used);

    assertThat(
            pricing.formula(used).values().stream()
                .map(BandAmount::amount)
                .reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add))
        .isEqualByComparingTo(billing.total());
    assertThat(pricing.formula(used).values().stream().mapToLong(BandAmount::units).sum())
        .isEqualTo(billing.overageUnits());
  }
}
