package dev.signet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.launcher.chaos.ForwardChecks.ForwardedReceipt;
import dev.signet.launcher.chaos.ForwardTarget.Delivery;
import dev.signet.launcher.chaos.ReliabilityChecks.Check;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ForwardChecksTest {

  private final List<ForwardedReceipt> receipts =
      new ArrayList<>(
          List.of(
              new ForwardedReceipt("k1", 200, null),
              new ForwardedReceipt("k2", 0, "read timed out")));
  private final List<Delivery> deliveries =
      new ArrayList<>(List.of(new Delivery("x1", "k1", false), new Delivery("x2", "k2", true)));

  private Check check() {
    return ForwardChecks.check(new ForwardChecks.Seen(Set.of("k1", "k2"), receipts, deliveries, 1));
  }

  @Test
  void shouldPassOneReceiptPerForwardWithATimedOutOneAmongThem() {
    Check check = check();

    assertThat(check.passed()).as(check.detail()).isTrue();
    assertThat(check.detail())
        .startsWith(
            "2 forwarding exchanges confirmed, 2 receipts record a forward (1 answered, 1 ended by"
                + " an error");
  }

  @Test
  void shouldCountARepeatedDeliveryOfTheSameExchangeIdWithoutFailing() {
    deliveries.add(new Delivery("x1", "k1", false));

    Check check = check();

    assertThat(check.passed()).isTrue();
    assertThat(check.detail()).contains("1 repeats of an exchange id");
  }

  @Test
  void shouldFailAnExchangeDeliveredUnderTwoIds() {
    deliveries.add(new Delivery("x9", "k1", false));

    Check check = check();

    assertThat(check.passed()).isFalse();
    assertThat(check.detail()).contains("1 delivered under two ids (e.g. k1)");
  }

  @Test
  void shouldFailAConfirmedForwardWithoutAReceiptOrWithTwo() {
    receipts.remove(1);
    assertThat(check().detail()).contains("1 without a receipt (e.g. k2)");

    receipts.add(new ForwardedReceipt("k1", 200, null));
    Check twice = check();
    assertThat(twice.passed()).isFalse();
    assertThat(twice.detail()).contains("1 with two (e.g. k1)");
  }

  @Test
  void shouldFailADeliveryOfNoExchangeAndAnAnswerThatWasNeverDelivered() {
    deliveries.set(0, new Delivery("x7", "stranger", false));

    Check check = check();

    assertThat(check.passed()).isFalse();
    assertThat(check.detail())
        .contains("1 deliveries of no such exchange (e.g. stranger)")
        .contains("1 answered but never delivered (e.g. k1)");
  }

  @Test
  void shouldReadTheInvoiceIdOfADeliveredDocument() {
    byte[] document =
        "{\"Document\":{\"Invoice\":{\"Id\":\"chaos-7-x12\"}}}".getBytes(StandardCharsets.UTF_8);

    assertThat(ForwardTarget.invoiceId(document)).isEqualTo("chaos-7-x12");
    assertThat(ForwardTarget.invoiceId("not json".getBytes(StandardCharsets.UTF_8))).isEqualTo("?");
  }
}
