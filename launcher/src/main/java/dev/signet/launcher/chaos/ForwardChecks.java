package dev.signet.launcher.chaos;

import dev.signet.launcher.chaos.ForwardTarget.Delivery;
import dev.signet.launcher.chaos.ReliabilityChecks.Check;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The forwarding check of a chaos run: every confirmed forwarding exchange has exactly one receipt,
 * and it records the forward (an answer or the error that ended it: a slow target times out); the
 * target saw each exchange under one {@code X-Signet-Exchange-Id} only. Delivery is at-least-once
 * by design (a worker that dies between the send and the record sends again, with the same id), so
 * repeats of one id are counted, not failed; two ids for one exchange would be two forwards and
 * fail.
 */
final class ForwardChecks {

  /** A stored receipt that records a forward: its exchange (invoice id) and outcome. */
  record ForwardedReceipt(String idempotencyKey, int statusCode, String error) {
    ForwardedReceipt {
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    }

    boolean answered() {
      return statusCode > 0 && error == null;
    }
  }

  /**
   * What the check reads.
   *
   * @param confirmedForwards idempotency keys of the confirmed exchanges that asked for a forward
   * @param receipts every stored receipt that records a forward
   * @param deliveries every request the forward target received
   * @param slowAnswers how many of them it held past the forward timeout
   */
  record Seen(
      Set<String> confirmedForwards,
      List<ForwardedReceipt> receipts,
      List<Delivery> deliveries,
      long slowAnswers) {
    Seen {
      confirmedForwards = Set.copyOf(confirmedForwards);
      receipts = List.copyOf(receipts);
      deliveries = List.copyOf(deliveries);
    }
  }

  private ForwardChecks() {}

  static Check check(Seen seen) {
    Map<String, Long> receiptsPerKey =
        seen.receipts().stream()
            .collect(
                Collectors.groupingBy(ForwardedReceipt::idempotencyKey, Collectors.counting()));
    List<String> missing =
        seen.confirmedForwards().stream()
            .filter(k -> !receiptsPerKey.containsKey(k))
            .sorted()
            .toList();
    List<String> twice =
        receiptsPerKey.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    Map<String, Set<String>> idsPerKey = new HashMap<>();
    long repeats = 0;
    Set<String> delivered = new HashSet<>();
    for (Delivery d : seen.deliveries()) {
      String id = String.valueOf(d.exchangeId());
      if (!delivered.add(d.invoiceId() + "|" + id)) {
        repeats++;
      }
      idsPerKey.computeIfAbsent(d.invoiceId(), k -> new HashSet<>()).add(id);
    }
    List<String> twoIds =
        idsPerKey.entrySet().stream()
            .filter(e -> e.getValue().size() > 1)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    // A delivery must belong to an exchange that has a receipt recording a forward.
    List<String> unknown =
        idsPerKey.keySet().stream().filter(k -> !receiptsPerKey.containsKey(k)).sorted().toList();
    List<String> answeredButNotDelivered = new ArrayList<>();
    long answered = 0;
    for (ForwardedReceipt r : seen.receipts()) {
      if (r.answered()) {
        answered++;
        if (!idsPerKey.containsKey(r.idempotencyKey())) {
          answeredButNotDelivered.add(r.idempotencyKey());
        }
      }
    }
    answeredButNotDelivered.sort(null);
    boolean passed =
        missing.isEmpty()
            && twice.isEmpty()
            && twoIds.isEmpty()
            && unknown.isEmpty()
            && answeredButNotDelivered.isEmpty();
    return new Check(
        "forwards: one receipt each, one exchange id each",
        passed,
        String.format(
            "%d forwarding exchanges confirmed, %d receipts record a forward (%d answered, %d"
                + " ended by an error: timeout, circuit open, busy); %d deliveries (%d held past the"
                + " forward timeout, %d repeats of an exchange id); %d without a receipt%s, %d with"
                + " two%s, %d delivered under two ids%s, %d deliveries of no such exchange%s, %d"
                + " answered but never delivered%s",
            seen.confirmedForwards().size(),
            seen.receipts().size(),
            answered,
            seen.receipts().size() - answered,
            seen.deliveries().size(),
            seen.slowAnswers(),
            repeats,
            missing.size(),
            ReliabilityChecks.examples(missing),
            twice.size(),
            ReliabilityChecks.examples(twice),
            twoIds.size(),
            ReliabilityChecks.examples(twoIds),
            unknown.size(),
            ReliabilityChecks.examples(unknown),
            answeredButNotDelivered.size(),
            ReliabilityChecks.examples(answeredButNotDelivered)));
  }
}
