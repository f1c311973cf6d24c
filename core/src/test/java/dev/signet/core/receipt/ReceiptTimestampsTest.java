package dev.signet.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReceiptTimestampsTest {

  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final long YEAR_0 = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
  private static final long YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

  @Test
  void shouldFormatExactlyAsTheFormatterAcrossFourDigitYearsAndBeyond() {
    SplittableRandom random = new SplittableRandom(20261206);
    for (int i = 0; i < 200_000; i++) {
      long second = random.nextLong(YEAR_0 - 86_400L * 800, YEAR_10000 + 86_400L * 800);
      Instant instant = Instant.ofEpochSecond(second, random.nextInt(1_000_000_000));

      assertThat(ReceiptTimestamps.format(instant))
          .as("%s", instant)
          .isEqualTo(REFERENCE.format(instant));
    }
  }

  @Test
  void shouldParseExactlyAsInstantParseWhatItFormatsWithAndWithoutMillis() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              random.nextLong(YEAR_0, YEAR_10000), random.nextInt(1000) * 1_000_000);
      String withMillis = REFERENCE.format(instant);
      String withoutMillis = withMillis.substring(0, 19) + "Z";

      assertThat(ReceiptTimestamps.parse(withMillis)).isEqualTo(Instant.parse(withMillis));
      assertThat(ReceiptTimestamps.parse(withoutMillis)).isEqualTo(Instant.parse(withoutMillis));
    }
  }

  /** Forms outside the common one, and impossible values in it: whatever Instant.parse says. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2025-01-26T24:00:00.000Z",
        "2025-01-27T23:59:60.000Z",
        "2025-01-27T12:00:00.123456Z",
        "2025-01-27T12:00:00.1Z",
        "+12025-01-27T12:00:00.123Z",
        "2025-01-27T13:00:00.123+01:00",
        "2025-01-27t12:00:00.000z"
      })
  void shouldAgreeWithInstantParseOnOtherForms(String text) {
    assertThat(ReceiptTimestamps.parse(text)).isEqualTo(Instant.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2025-02-30T12:00:00.000Z",
        "2025-02-29T12:00:00Z",
        "2025-13-01T12:00:00.000Z",
        "2025-01-27T12:60:00.000Z",
        "2025-01-27 12:00:00.000Z",
        "2025-01-2xT12:00:00.000Z",
        "yesterday",
        ""
      })
  void shouldRefuseWhatInstantParseRefuses(String text) {
    assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> ReceiptTimestamps.parse(text))
        .isInstanceOf(DateTimeParseException.class);
  }
}
