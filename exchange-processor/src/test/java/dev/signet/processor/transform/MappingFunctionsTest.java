package dev.signet.processor.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.signet.core.error.ErrorCode;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MappingFunctionsTest {

  private static MappingFunctions.Result toMinor(String amount, String currency) {
    return MappingFunctions.call(
        "to_minor",
        List.of(
            new MappingFunctions.Arg(new DecimalNode(new BigDecimal(amount)), "/amount"),
            new MappingFunctions.Arg(TextNode.valueOf(currency), "/currency")));
  }

  @ParameterizedTest
  @CsvSource({
    "123.45, USD, 12345",
    "0.1, USD, 10",
    "1000, JPY, 1000",
    "1.234, KWD, 1234",
    "1.5, KWD, 1500",
    "90071992547409.92, USD, 9007199254740992"
  })
  void shouldConvertToIntegerMinorUnitsAtTheIsoScale(String amount, String currency, long minor) {
    assertThat(toMinor(amount, currency))
        .isInstanceOfSatisfying(
            MappingFunctions.Result.Value.class,
            value -> {
              assertThat(value.value().isIntegralNumber()).isTrue();
              assertThat(value.value().longValue()).isEqualTo(minor);
            });
  }

  @ParameterizedTest
  @CsvSource({
    "123.456, USD, SEMANTIC_VIOLATION, /amount 123.456 has more decimals than USD allows (2)",
    "10.5, JPY, SEMANTIC_VIOLATION, /amount 10.5 has more decimals than JPY allows (0)",
    "1.2345, KWD, SEMANTIC_VIOLATION, /amount 1.2345 has more decimals than KWD allows (3)",
    "-1, USD, SEMANTIC_VIOLATION, /amount must not be negative",
    "90071992547409.93, USD, SEMANTIC_VIOLATION, /amount is too large",
    "1, usd, SCHEMA_INVALID, /currency usd is not an ISO 4217 code"
  })
  void shouldRefuseWhatWouldLoseDigits(
      String amount, String currency, ErrorCode code, String detail) {
    assertThat(toMinor(amount, currency))
        .isEqualTo(new MappingFunctions.Result.Failed(code, detail));
  }

  @ParameterizedTest
  @CsvSource({"upper, eur, EUR", "iso4217, EUR, EUR"})
  void shouldApplyTheTextFunctions(String function, String input, String output) {
    assertThat(
            MappingFunctions.call(
                function, List.of(new MappingFunctions.Arg(TextNode.valueOf(input), "/x"))))
        .isEqualTo(new MappingFunctions.Result.Value(TextNode.valueOf(output)));
  }
}
