package dev.signet.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.topic.Topics;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PeriodTotalTest {

  private final PeriodTotal total =
      new PeriodTotal("acme", "2025-01", PeriodTotal.VEX, 42, "2025-01-27T12:00:00.123Z");

  @Test
  void shouldKeyByTenantPeriodAndType() {
    assertThat(total.key()).isEqualTo("acme@2025-01@vex");
  }

  @Test
  void shouldWriteSnakeCaseJsonAndReadItBack() {
    byte[] wire =
        Topics.BILLING_PERIOD_TOTALS
            .valueSerde()
            .serializer()
            .serialize(Topics.BILLING_PERIOD_TOTALS.name(), total);

    assertThat(new String(wire, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"tenant\":\"acme\",\"period\":\"2025-01\",\"type\":\"vex\",\"units\":42,"
                + "\"updated_at\":\"2025-01-27T12:00:00.123Z\"}");
    assertThat(
            Topics.BILLING_PERIOD_TOTALS
                .valueSerde()
                .deserializer()
                .deserialize(Topics.BILLING_PERIOD_TOTALS.name(), wire))
        .isEqualTo(total);
  }

  @Test
  void shouldRefuseAPeriodThatIsNotAMonth() {
    assertThatThrownBy(() -> new PeriodTotal("acme", "2025-13", "vex", 1, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("YYYY-MM");
    assertThatThrownBy(() -> new PeriodTotal("acme", "2025-01-01", "vex", 1, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRefuseAnUnknownTypeAndNegativeUnits() {
    assertThatThrownBy(() -> new PeriodTotal("acme", "2025-01", "gpu", 1, "x"))
        .hasMessageContaining("vex or fu");
    assertThatThrownBy(() -> new PeriodTotal("acme", "2025-01", "fu", -1, "x"))
        .hasMessageContaining("negative");
  }

  @Test
  void shouldDeclareTheTopicCompactedAndAmongAllTopics() {
    assertThat(Topics.BILLING_PERIOD_TOTALS.name()).isEqualTo("signet.billing.period-totals.v1");
    assertThat(Topics.BILLING_PERIOD_TOTALS.compacted()).isTrue();
    assertThat(Topics.all()).contains(Topics.BILLING_PERIOD_TOTALS);
  }
}
