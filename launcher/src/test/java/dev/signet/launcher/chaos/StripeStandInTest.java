package dev.signet.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.launcher.chaos.StripeStandIn.Misbehaviour;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StripeStandInTest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void shouldMisbehaveOnEarlyAttemptsOnlyAndTheSameWayForTheSameSeed() {
    long failedFirst =
        IntStream.range(0, 1_000)
            .filter(i -> StripeStandIn.misbehaviour(7, "ch-" + i, 1) != Misbehaviour.NONE)
            .count();

    assertThat(failedFirst).isBetween(150L, 350L);
    assertThat(StripeStandIn.misbehaviour(7, "ch-1", StripeStandIn.HONEST_FROM))
        .isEqualTo(Misbehaviour.NONE);
    assertThat(StripeStandIn.misbehaviour(7, "ch-42", 1))
        .isEqualTo(StripeStandIn.misbehaviour(7, "ch-42", 1));
  }

  @Test
  void shouldAcceptAnIdentifierOnceAndAnswerARepeatWithTheSameEvent() throws Exception {
    // An identifier the seed lets through at the first attempt.
    String id =
        IntStream.range(0, 100)
            .mapToObj(i -> "ch-" + i)
            .filter(i -> StripeStandIn.misbehaviour(7, i, 1) == Misbehaviour.NONE)
            .findFirst()
            .orElseThrow();
    try (StripeStandIn stripe = new StripeStandIn(7)) {
      HttpResponse<String> first = push(stripe, id, 5);
      HttpResponse<String> repeat = push(stripe, id, 5);

      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(repeat.statusCode()).isEqualTo(200);
      assertThat(repeat.body()).isEqualTo(first.body()).contains("\"identifier\":\"" + id + "\"");
      StripeStandIn.Tally tally = stripe.tally();
      assertThat(tally.accepted()).containsOnlyKeys(id);
      assertThat(tally.accepted().get(id).value()).isEqualTo(5);
      assertThat(tally.repeats()).isEqualTo(1);
      assertThat(tally.conflicting()).isZero();

      push(stripe, id, 6);
      assertThat(stripe.tally().conflicting()).isEqualTo(1);
    }
  }

  @Test
  void shouldAnswer500WithoutAcceptingWhenTheSeedSaysFail() throws Exception {
    String id =
        IntStream.range(0, 1_000)
            .mapToObj(i -> "ch-" + i)
            .filter(i -> StripeStandIn.misbehaviour(7, i, 1) == Misbehaviour.FAIL)
            .findFirst()
            .orElseThrow();
    try (StripeStandIn stripe = new StripeStandIn(7)) {
      assertThat(push(stripe, id, 1).statusCode()).isEqualTo(500);
      assertThat(stripe.tally().accepted()).isEmpty();
      assertThat(stripe.tally().failed()).isEqualTo(1);
    }
  }

  private static HttpResponse<String> push(StripeStandIn stripe, String id, long value)
      throws Exception {
    String form =
        "event_name=chaos_vex_band_0&identifier="
            + id
            + "&payload%5Bstripe_customer_id%5D=cus_chaos_acme&payload%5Bvalue%5D="
            + value;
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(stripe.baseUrl() + StripeStandIn.PATH))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
