package dev.signet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.launcher.chaos.BillingChecks.Charge;
import dev.signet.launcher.chaos.Observations.StoredReceipt;
import dev.signet.launcher.chaos.ReliabilityChecks.Check;
import dev.signet.launcher.chaos.StripeStandIn.Accepted;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BillingChecksTest {

  private static final Instant T = Instant.parse("2026-12-06T05:10:00Z");

  /** 3 reserved, a first band of 2 at 0.0125, then 0.004. */
  private final ChaosPricing pricing = new ChaosPricing(3, 2);

  /**
   * 8 receipts of acme: 5 over, 2 in the first band (0.025 → 0.02, half-even), 3 open (0.012 →
   * 0.01), charged in increments whose rounded differences add up to it.
   */
  private final List<StoredReceipt> stored = receipts("acme", 8);

  private final List<Charge> charges =
      new ArrayList<>(
          List.of(
              charge("ch-1", 0, 1, "0.01"),
              charge("ch-2", 0, 1, "0.01"),
              charge("ch-3", 1, 3, "0.01")));
  private final Map<String, Accepted> accepted = new HashMap<>();
  private long conflicting;

  BillingChecksTest() {
    charges.forEach(c -> accepted.put(c.chargeId(), accept(c)));
  }

  private static List<StoredReceipt> receipts(String tenant, int count) {
    List<StoredReceipt> receipts = new ArrayList<>();
    for (int hop = 1; hop <= count; hop++) {
      receipts.add(new StoredReceipt("t-" + tenant, hop, tenant, "h" + hop, null, T));
    }
    return receipts;
  }

  private static Charge charge(String id, int band, long units, String amount) {
    return new Charge(
        id,
        "acme",
        "2026-12",
        band,
        units,
        new BigDecimal(amount),
        ChaosPricing.METER_EVENTS.get(band),
        "cus_chaos_acme");
  }

  private static Accepted accept(Charge c) {
    return new Accepted(c.chargeId(), c.customer(), c.eventName(), c.units());
  }

  private BillingChecks.Seen seen() {
    return new BillingChecks.Seen(
        charges, new StripeStandIn.Tally(accepted, 2, conflicting, 4, 1), pricing);
  }

  @Test
  void shouldPassChargesThatAddUpToTheFormulaAndWereEachAcceptedOnce() {
    List<Check> checks = BillingChecks.run(seen(), stored);

    assertThat(checks).allSatisfy(c -> assertThat(c.passed()).as(c.toString()).isTrue());
    assertThat(checks.get(0).detail())
        .startsWith("1 tenant-months, 5 VEx over the reservation of 3: formula 0.03 USD, charged")
        .contains("in 3 charges; 0 months differ");
    assertThat(checks.get(1).detail())
        .startsWith(
            "3 charges (5 units), 3 identifiers accepted (5 units); 4 attempts answered 500");
  }

  @Test
  void shouldCountAChargeIdReadTwiceOnce() {
    charges.add(charges.get(2));

    assertThat(BillingChecks.chargesEqualFormula(seen(), stored).passed()).isTrue();
  }

  @Test
  void shouldFailWhenTheSameUsageIsChargedUnderTwoIds() {
    charges.add(charge("ch-4", 1, 3, "0.01"));
    accepted.put("ch-4", accept(charges.get(3)));

    Check formula = BillingChecks.chargesEqualFormula(seen(), stored);

    assertThat(formula.passed()).isFalse();
    assertThat(formula.detail())
        .contains(
            "acme@2026-12 formula [band 0: 2 = 0.02, band 1: 3 = 0.01]"
                + " charged [band 0: 2 = 0.02, band 1: 6 = 0.02]");
  }

  @Test
  void shouldFailWhenAStoredReceiptIsNotCharged() {
    stored.add(new StoredReceipt("t-acme", 9, "acme", "h9", null, T));

    assertThat(BillingChecks.chargesEqualFormula(seen(), stored).passed()).isFalse();
  }

  @Test
  void shouldFailWhenAnAmountDiffersByACent() {
    charges.set(0, charge("ch-1", 0, 1, "0.02"));

    assertThat(BillingChecks.chargesEqualFormula(seen(), stored).passed()).isFalse();
  }

  @Test
  void shouldFailAChargeStripeNeverAcceptedAndAnIdentifierThatIsNoCharge() {
    accepted.remove("ch-2");
    accepted.put("ch-x", new Accepted("ch-x", "cus_chaos_acme", "chaos_vex_band_0", 1));

    Check stripe = BillingChecks.stripeAcceptedEachChargeOnce(seen());

    assertThat(stripe.passed()).isFalse();
    assertThat(stripe.detail()).contains("1 not pushed (e.g. ch-2), 1 unknown (e.g. ch-x)");
  }

  @Test
  void shouldFailAnAcceptedEventWithOtherUnitsOrARepeatWithAnotherEvent() {
    accepted.put("ch-3", new Accepted("ch-3", "cus_chaos_acme", "chaos_vex_band_1", 2));
    assertThat(BillingChecks.stripeAcceptedEachChargeOnce(seen()).detail())
        .contains("1 with other units or names (e.g. ch-3 2 ≠ 3)");

    accepted.put("ch-3", accept(charges.get(2)));
    conflicting = 1;
    assertThat(BillingChecks.stripeAcceptedEachChargeOnce(seen()).passed()).isFalse();
  }
}
