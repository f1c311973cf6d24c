package dev.signet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.launcher.chaos.Observations.Answer;
import dev.signet.launcher.chaos.Observations.Request;
import dev.signet.launcher.chaos.Observations.StoredReceipt;
import dev.signet.launcher.chaos.Observations.TenantHour;
import dev.signet.launcher.chaos.ReliabilityChecks.Check;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReliabilityChecksTest {

  private static final Instant T = Instant.parse("2026-12-06T05:10:00Z");
  private static final Instant HOUR = Instant.parse("2026-12-06T05:00:00Z");

  private final Map<String, Request> requests =
      Map.of(
          "k1", new Request("k1", "acme", "t1", true, true),
          "k2", new Request("k2", "acme", "t1", false, true),
          "k3", new Request("k3", "globex", "t2", true, false));
  private final List<Answer> answers =
      new ArrayList<>(List.of(new Answer("k1", "t1", 1, "h1"), new Answer("k2", "t1", 2, "h2")));
  private final List<StoredReceipt> stored =
      new ArrayList<>(
          List.of(
              new StoredReceipt("t1", 1, "acme", "h1", null, T),
              new StoredReceipt("t1", 2, "acme", "h2", "h1", T),
              new StoredReceipt("t2", 1, "globex", "h3", null, T)));
  private Map<TenantHour, Long> billed =
      Map.of(new TenantHour("acme", HOUR), 2L, new TenantHour("globex", HOUR), 1L);
  private long conflicts;
  private Set<String> broken = Set.of();
  private List<String> deadLettered = List.of("poison-1");

  private List<Check> run() {
    return ReliabilityChecks.run(
        new Observations(
            requests,
            answers,
            stored,
            conflicts,
            broken,
            billed,
            Set.of("poison-1"),
            deadLettered));
  }

  private Check check(String prefix) {
    return run().stream().filter(c -> c.name().startsWith(prefix)).findFirst().orElseThrow();
  }

  @Test
  void shouldPassAConsistentRun() {
    List<Check> checks = run();

    assertThat(checks).hasSize(7).allSatisfy(c -> assertThat(c.passed()).as(c.toString()).isTrue());
    assertThat(check("confirmed").detail())
        .startsWith("2 confirmed (1 sync 200, 1 async acked), 0 lost");
  }

  @Test
  void shouldCountAConfirmedExchangeWhoseReceiptIsNotStoredAsLost() {
    stored.remove(1);
    billed = Map.of(new TenantHour("acme", HOUR), 1L, new TenantHour("globex", HOUR), 1L);

    Check lost = check("confirmed");

    assertThat(lost.passed()).isFalse();
    assertThat(lost.detail()).contains("1 lost (e.g. k2)");
  }

  @Test
  void shouldCountAConfirmedExchangeNeverAnsweredAsLost() {
    answers.remove(1);

    assertThat(check("confirmed").detail()).contains("1 lost (e.g. k2)");
  }

  @Test
  void shouldFindMoreReceiptsOnATraceThanExchangesSentOnIt() {
    stored.add(new StoredReceipt("t1", 3, "acme", "h4", "h2", T));

    Check duplicated = check("no receipt duplicated");

    assertThat(duplicated.passed()).isFalse();
    assertThat(duplicated.detail()).contains("1 beyond the exchanges sent (e.g. t1)");
  }

  @Test
  void shouldFailOnAnyConflictRow() {
    conflicts = 1;

    assertThat(check("receipt_conflicts").passed()).isFalse();
  }

  @Test
  void shouldFindAGapAnUnlinkedHopAndAChainThatDoesNotVerify() {
    stored.set(1, new StoredReceipt("t1", 3, "acme", "h2", "h1", T));
    assertThat(check("chains").detail()).contains("1 with a gap or broken link (e.g. t1#3)");

    stored.set(1, new StoredReceipt("t1", 2, "acme", "h2", "other", T));
    assertThat(check("chains").detail()).contains("1 with a gap or broken link (e.g. t1#2)");

    stored.set(1, new StoredReceipt("t1", 2, "acme", "h2", "h1", T));
    broken = Set.of("t2");
    Check chains = check("chains");
    assertThat(chains.passed()).isFalse();
    assertThat(chains.detail())
        .contains("0 with a gap")
        .contains("1 failing verification (e.g. t2)");
  }

  @Test
  void shouldFailAChainTheCliRejects() {
    Check chains =
        ReliabilityChecks.chainsWhole(
            new Observations(
                requests,
                answers,
                stored,
                0,
                Set.of(),
                Set.of("t1"),
                billed,
                Set.of("poison-1"),
                deadLettered,
                Optional.empty(),
                Optional.empty()));

    assertThat(chains.passed()).isFalse();
    assertThat(chains.detail())
        .contains("1 rejected by `signet export` + `signet verify bundle` (e.g. t1)");
  }

  @Test
  void shouldFailWhenARetryIsAnsweredWithAnotherReceipt() {
    answers.add(new Answer("k1", "t1", 1, "h1"));
    assertThat(check("retries").detail())
        .isEqualTo("1 keys answered more than once, 0 with another receipt");

    answers.add(new Answer("k1", "t1", 3, "h9"));
    Check retries = check("retries");
    assertThat(retries.passed()).isFalse();
    assertThat(retries.detail()).contains("1 with another receipt (e.g. k1)");
  }

  @Test
  void shouldCompareBillingWithReceiptsPerTenantAndHour() {
    billed = Map.of(new TenantHour("acme", HOUR), 3L);

    Check billing = check("billing");

    assertThat(billing.passed()).isFalse();
    assertThat(billing.detail())
        .contains("3 VEx billed, 3 receipts stored, 2 hours differ")
        .contains("acme@2026-12-06T05:00:00Z billed 3 stored 2")
        .contains("globex@2026-12-06T05:00:00Z billed 0 stored 1");
  }

  @Test
  void shouldRequireEachPoisonRecordOnTheDlqOnceAndNothingElse() {
    deadLettered = List.of();
    assertThat(check("DLQ").detail()).contains("1 missing (e.g. poison-1)");

    deadLettered = List.of("poison-1", "poison-1", "k2#1");
    Check dlq = check("DLQ");
    assertThat(dlq.passed()).isFalse();
    assertThat(dlq.detail())
        .contains("0 missing, 1 unexpected (e.g. k2#1), 1 twice (e.g. poison-1)");
  }
}
