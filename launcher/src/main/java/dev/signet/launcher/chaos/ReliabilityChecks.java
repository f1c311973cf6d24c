package dev.signet.launcher.chaos;

import dev.signet.launcher.chaos.Observations.Answer;
import dev.signet.launcher.chaos.Observations.Request;
import dev.signet.launcher.chaos.Observations.StoredReceipt;
import dev.signet.launcher.chaos.Observations.TenantHour;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The promises a chaos run checks, as arithmetic over what it observed ({@link Observations}): no
 * confirmed exchange lost, none stored twice, no conflict, every chain whole, every retry answered
 * with the original, billing equal to the receipts, the DLQ equal to the poison sent.
 */
final class ReliabilityChecks {

  /** One line of the report's table. */
  record Check(String name, boolean passed, String detail) {
    Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(detail, "detail");
    }
  }

  private ReliabilityChecks() {}

  static List<Check> run(Observations seen) {
    Map<String, Set<String>> answeredHashes = answeredHashes(seen.answers());
    List<Check> checks =
        new ArrayList<>(
            List.of(
                noneLost(seen, answeredHashes),
                noneDuplicated(seen),
                noConflicts(seen),
                chainsWhole(seen),
                retriesAnsweredWithOriginal(seen.answers()),
                billingEqualsReceipts(seen)));
    seen.charging()
        .ifPresent(charging -> checks.addAll(BillingChecks.run(charging, seen.stored())));
    seen.forwarding().ifPresent(forwarding -> checks.add(ForwardChecks.check(forwarding)));
    checks.add(deadLettersArePoison(seen));
    return List.copyOf(checks);
  }

  static boolean allPassed(List<Check> checks) {
    return checks.stream().allMatch(Check::passed);
  }

  private static Map<String, Set<String>> answeredHashes(List<Answer> answers) {
    Map<String, Set<String>> hashes = new HashMap<>();
    answers.forEach(
        a -> hashes.computeIfAbsent(a.idempotencyKey(), k -> new HashSet<>()).add(a.receiptHash()));
    return hashes;
  }

  /** Every confirmed exchange was answered with a receipt that PostgreSQL holds. */
  static Check noneLost(Observations seen, Map<String, Set<String>> answeredHashes) {
    Set<String> storedHashes =
        seen.stored().stream().map(StoredReceipt::receiptHash).collect(Collectors.toSet());
    List<Request> confirmed = seen.requests().values().stream().filter(Request::confirmed).toList();
    List<String> lost = new ArrayList<>();
    for (Request request : confirmed) {
      Set<String> hashes = answeredHashes.getOrDefault(request.idempotencyKey(), Set.of());
      if (hashes.isEmpty() || !storedHashes.containsAll(hashes)) {
        lost.add(request.idempotencyKey());
      }
    }
    long sync = confirmed.stream().filter(Request::sync).count();
    return new Check(
        "confirmed exchanges stored (0 lost)",
        lost.isEmpty(),
        String.format(
            "%d confirmed (%d sync 200, %d async acked), %d lost%s",
            confirmed.size(), sync, confirmed.size() - sync, lost.size(), examples(lost)));
  }

  /**
   * No trace holds more receipts than distinct exchanges were sent on it (a retry or a replay after
   * a crash must never be issued a second receipt).
   */
  static Check noneDuplicated(Observations seen) {
    Map<String, Long> sentPerTrace =
        seen.requests().values().stream()
            .collect(Collectors.groupingBy(Request::trace, Collectors.counting()));
    Map<String, Long> storedPerTrace =
        seen.stored().stream()
            .collect(Collectors.groupingBy(StoredReceipt::trace, Collectors.counting()));
    long duplicated = 0;
    List<String> traces = new ArrayList<>();
    for (Map.Entry<String, Long> stored : storedPerTrace.entrySet()) {
      long excess = stored.getValue() - sentPerTrace.getOrDefault(stored.getKey(), 0L);
      if (excess > 0) {
        duplicated += excess;
        traces.add(stored.getKey());
      }
    }
    return new Check(
        "no receipt duplicated",
        duplicated == 0,
        String.format(
            "%d receipts stored on %d traces, %d beyond the exchanges sent%s",
            seen.stored().size(), storedPerTrace.size(), duplicated, examples(traces)));
  }

  static Check noConflicts(Observations seen) {
    return new Check(
        "receipt_conflicts empty",
        seen.conflicts() == 0,
        seen.conflicts() + " rows in receipt_conflicts");
  }

  /** Hops 1..n without a gap, each linked to the one before, and every chain verifies. */
  static Check chainsWhole(Observations seen) {
    Map<String, List<StoredReceipt>> chains =
        seen.stored().stream().collect(Collectors.groupingBy(StoredReceipt::trace));
    List<String> gapped = new ArrayList<>();
    for (Map.Entry<String, List<StoredReceipt>> chain : chains.entrySet()) {
      List<StoredReceipt> hops =
          chain.getValue().stream().sorted(Comparator.comparingInt(StoredReceipt::hop)).toList();
      for (int i = 0; i < hops.size(); i++) {
        StoredReceipt hop = hops.get(i);
        boolean linked = i == 0 || hops.get(i - 1).receiptHash().equals(hop.prevHash());
        if (hop.hop() != i + 1 || !linked) {
          gapped.add(chain.getKey() + "#" + hop.hop());
          break;
        }
      }
    }
    List<String> broken = new ArrayList<>(seen.brokenChains());
    broken.sort(null);
    List<String> rejected = new ArrayList<>(seen.cliRejectedChains());
    rejected.sort(null);
    return new Check(
        "chains verify (CLI), hops contiguous",
        gapped.isEmpty() && broken.isEmpty() && rejected.isEmpty(),
        String.format(
            "%d chains: %d with a gap or broken link%s, %d failing verification%s, %d rejected by"
                + " `signet export` + `signet verify bundle`%s",
            chains.size(),
            gapped.size(),
            examples(gapped),
            broken.size(),
            examples(broken),
            rejected.size(),
            examples(rejected)));
  }

  /** Every key answered more than once was answered with the same receipt each time. */
  static Check retriesAnsweredWithOriginal(List<Answer> answers) {
    Map<String, List<Answer>> byKey =
        answers.stream().collect(Collectors.groupingBy(Answer::idempotencyKey));
    List<String> differing = new ArrayList<>();
    long repeated = 0;
    for (Map.Entry<String, List<Answer>> key : byKey.entrySet()) {
      if (key.getValue().size() < 2) {
        continue;
      }
      repeated++;
      long distinct = key.getValue().stream().map(Answer::receiptHash).distinct().count();
      if (distinct > 1) {
        differing.add(key.getKey());
      }
    }
    return new Check(
        "retries got the original answer",
        differing.isEmpty(),
        String.format(
            "%d keys answered more than once, %d with another receipt%s",
            repeated, differing.size(), examples(differing)));
  }

  /** Billing's VEx per tenant and UTC hour equals the receipts stored for it. */
  static Check billingEqualsReceipts(Observations seen) {
    Map<TenantHour, Long> receipted = receiptsPerTenantHour(seen.stored());
    Set<TenantHour> hours = new HashSet<>(receipted.keySet());
    hours.addAll(seen.billedVex().keySet());
    List<String> mismatched = new ArrayList<>();
    for (TenantHour hour : hours) {
      long stored = receipted.getOrDefault(hour, 0L);
      long billed = seen.billedVex().getOrDefault(hour, 0L);
      if (stored != billed) {
        mismatched.add(
            hour.tenant() + "@" + hour.hour() + " billed " + billed + " stored " + stored);
      }
    }
    mismatched.sort(null);
    long billedTotal = seen.billedVex().values().stream().mapToLong(Long::longValue).sum();
    return new Check(
        "billing VEx = stored receipts per tenant and hour",
        mismatched.isEmpty(),
        String.format(
            "%d tenant-hours, %d VEx billed, %d receipts stored, %d hours differ%s",
            hours.size(),
            billedTotal,
            seen.stored().size(),
            mismatched.size(),
            examples(mismatched)));
  }

  static Map<TenantHour, Long> receiptsPerTenantHour(List<StoredReceipt> stored) {
    return stored.stream()
        .collect(
            Collectors.groupingBy(
                r -> new TenantHour(r.tenant(), r.ts().truncatedTo(ChronoUnit.HOURS)),
                Collectors.counting()));
  }

  /** The DLQ holds each poison record once and nothing else. */
  static Check deadLettersArePoison(Observations seen) {
    Map<String, Long> copies =
        seen.deadLettered().stream()
            .collect(Collectors.groupingBy(c -> c == null ? "(none)" : c, Collectors.counting()));
    List<String> missing =
        seen.poison().stream().filter(c -> !copies.containsKey(c)).sorted().toList();
    List<String> unexpected =
        copies.keySet().stream().filter(c -> !seen.poison().contains(c)).sorted().toList();
    List<String> repeated =
        copies.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    return new Check(
        "DLQ holds exactly the poison records",
        missing.isEmpty() && unexpected.isEmpty() && repeated.isEmpty(),
        String.format(
            "%d poison sent, %d dead letters: %d missing%s, %d unexpected%s, %d twice%s",
            seen.poison().size(),
            seen.deadLettered().size(),
            missing.size(),
            examples(missing),
            unexpected.size(),
            examples(unexpected),
            repeated.size(),
            examples(repeated)));
  }

  /** Up to three examples, so a failing line names what to look at. */
  static String examples(List<String> items) {
    if (items.isEmpty()) {
      return "";
    }
    return " (e.g. " + String.join(", ", items.subList(0, Math.min(3, items.size()))) + ")";
  }
}
