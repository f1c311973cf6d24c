package dev.signet.launcher.chaos;

import dev.signet.launcher.chaos.ChaosPricing.BandAmount;
import dev.signet.launcher.chaos.Observations.StoredReceipt;
import dev.signet.launcher.chaos.ReliabilityChecks.Check;
import dev.signet.launcher.chaos.StripeStandIn.Accepted;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The money checks of a chaos run: billing's overage charges against the tier formula recomputed
 * from the stored receipts, and against what the Stripe stand-in accepted.
 */
final class BillingChecks {

  /** One overage charge as read from {@code signet.billing.overage.v1}. */
  record Charge(
      String chargeId,
      String tenant,
      String period,
      int band,
      long units,
      BigDecimal amount,
      String eventName,
      String customer) {
    Charge {
      Objects.requireNonNull(chargeId, "chargeId");
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(period, "period");
      Objects.requireNonNull(amount, "amount");
    }
  }

  /** What the money checks read: the charges, what Stripe accepted and the run's pricing. */
  record Seen(List<Charge> charges, StripeStandIn.Tally stripe, ChaosPricing pricing) {
    Seen {
      charges = List.copyOf(charges);
      Objects.requireNonNull(stripe, "stripe");
      Objects.requireNonNull(pricing, "pricing");
    }
  }

  /** A tenant's UTC calendar month, as billing's overage is kept. */
  record TenantMonth(String tenant, String period) implements Comparable<TenantMonth> {
    @Override
    public int compareTo(TenantMonth other) {
      return (tenant + "@" + period).compareTo(other.tenant + "@" + other.period);
    }

    @Override
    public String toString() {
      return tenant + "@" + period;
    }
  }

  private BillingChecks() {}

  static List<Check> run(Seen seen, List<StoredReceipt> stored) {
    return List.of(chargesEqualFormula(seen, stored), stripeAcceptedEachChargeOnce(seen));
  }

  /** Stored receipts per tenant and UTC month: the VEx each month's overage is priced on. */
  static Map<TenantMonth, Long> usedPerMonth(List<StoredReceipt> stored) {
    return stored.stream()
        .collect(
            Collectors.groupingBy(
                r ->
                    new TenantMonth(
                        r.tenant(), YearMonth.from(r.ts().atOffset(ZoneOffset.UTC)).toString()),
                TreeMap::new,
                Collectors.counting()));
  }

  /**
   * Per tenant and month, the charges (each charge id counted once) add up, band by band, to the
   * formula on the stored receipts: the same units and the same amount to the cent. A usage charged
   * twice under two ids, or not charged, shows as a difference.
   */
  static Check chargesEqualFormula(Seen seen, List<StoredReceipt> stored) {
    Map<TenantMonth, Long> used = usedPerMonth(stored);
    Map<TenantMonth, Map<Integer, BandAmount>> charged = chargedPerBand(distinct(seen.charges()));
    Set<TenantMonth> months = new HashSet<>(used.keySet());
    months.addAll(charged.keySet());
    List<String> differing = new ArrayList<>();
    BigDecimal formulaTotal = BigDecimal.ZERO;
    BigDecimal chargedTotal = BigDecimal.ZERO;
    long overage = 0;
    for (TenantMonth month : sorted(months)) {
      Map<Integer, BandAmount> expected = seen.pricing().formula(used.getOrDefault(month, 0L));
      Map<Integer, BandAmount> actual = charged.getOrDefault(month, Map.of());
      formulaTotal = formulaTotal.add(sum(expected));
      chargedTotal = chargedTotal.add(sum(actual));
      overage += expected.values().stream().mapToLong(BandAmount::units).sum();
      if (!sameBands(expected, actual)) {
        differing.add(month + " formula " + describe(expected) + " charged " + describe(actual));
      }
    }
    return new Check(
        "charges = tier formula on stored receipts",
        differing.isEmpty(),
        String.format(
            "%d tenant-months, %d VEx over the reservation of %d: formula %s %s, charged %s %s"
                + " in %d charges; %d months differ%s",
            months.size(),
            overage,
            seen.pricing().reserved(),
            formulaTotal.toPlainString(),
            ChaosPricing.CURRENCY,
            chargedTotal.toPlainString(),
            ChaosPricing.CURRENCY,
            distinct(seen.charges()).size(),
            differing.size(),
            ReliabilityChecks.examples(differing)));
  }

  /**
   * Every charge reached Stripe under its own id as the meter event's identifier, accepted once
   * with its units, customer and meter; Stripe accepted no identifier that is not a charge; a
   * repeat of an identifier (a retry after a lost answer or a crash) carried the same event.
   */
  static Check stripeAcceptedEachChargeOnce(Seen seen) {
    Map<String, Charge> charges = distinct(seen.charges());
    Map<String, Accepted> accepted = seen.stripe().accepted();
    List<String> missing = new ArrayList<>();
    List<String> different = new ArrayList<>();
    long pushedUnits = 0;
    long chargedUnits = 0;
    for (Charge charge : charges.values()) {
      chargedUnits += charge.units();
      Accepted event = accepted.get(charge.chargeId());
      if (event == null) {
        missing.add(charge.chargeId());
        continue;
      }
      pushedUnits += event.value();
      if (event.value() != charge.units()
          || !Objects.equals(event.customer(), charge.customer())
          || !Objects.equals(event.eventName(), charge.eventName())) {
        different.add(charge.chargeId() + " " + event.value() + " ≠ " + charge.units());
      }
    }
    List<String> unknown =
        accepted.keySet().stream().filter(id -> !charges.containsKey(id)).sorted().toList();
    missing.sort(null);
    different.sort(null);
    StripeStandIn.Tally tally = seen.stripe();
    return new Check(
        "each Stripe identifier accepted once, units = overage",
        missing.isEmpty() && unknown.isEmpty() && different.isEmpty() && tally.conflicting() == 0,
        String.format(
            "%d charges (%d units), %d identifiers accepted (%d units); %d attempts answered 500,"
                + " %d answers held past the client's timeout, %d repeats of an accepted"
                + " identifier (%d with another event); %d not pushed%s, %d unknown%s, %d with"
                + " other units or names%s",
            charges.size(),
            chargedUnits,
            accepted.size(),
            pushedUnits,
            tally.failed(),
            tally.lostAnswers(),
            tally.repeats(),
            tally.conflicting(),
            missing.size(),
            ReliabilityChecks.examples(missing),
            unknown.size(),
            ReliabilityChecks.examples(unknown),
            different.size(),
            ReliabilityChecks.examples(different)));
  }

  /** By charge id; a charge id read twice (same id, same charge) counts once. */
  static Map<String, Charge> distinct(List<Charge> charges) {
    Map<String, Charge> byId = new HashMap<>();
    charges.forEach(c -> byId.putIfAbsent(c.chargeId(), c));
    return byId;
  }

  private static Map<TenantMonth, Map<Integer, BandAmount>> chargedPerBand(
      Map<String, Charge> charges) {
    Map<TenantMonth, Map<Integer, BandAmount>> perBand = new HashMap<>();
    for (Charge c : charges.values()) {
      perBand
          .computeIfAbsent(new TenantMonth(c.tenant(), c.period()), m -> new TreeMap<>())
          .merge(
              c.band(),
              new BandAmount(c.units(), c.amount()),
              (a, b) -> new BandAmount(a.units() + b.units(), a.amount().add(b.amount())));
    }
    return perBand;
  }

  private static boolean sameBands(Map<Integer, BandAmount> a, Map<Integer, BandAmount> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    return a.keySet().stream()
        .allMatch(
            band ->
                a.get(band).units() == b.get(band).units()
                    && a.get(band).amount().compareTo(b.get(band).amount()) == 0);
  }

  private static BigDecimal sum(Map<Integer, BandAmount> bands) {
    return bands.values().stream()
        .map(BandAmount::amount)
        .reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
  }

  private static String describe(Map<Integer, BandAmount> bands) {
    return bands.entrySet().stream()
        .map(
            e ->
                "band "
                    + e.getKey()
                    + ": "
                    + e.getValue().units()
                    + " = "
                    + e.getValue().amount().toPlainString())
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static List<TenantMonth> sorted(Set<TenantMonth> months) {
    return months.stream().sorted().toList();
  }
}
