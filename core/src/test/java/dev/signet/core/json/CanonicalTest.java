package dev.signet.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.math.BigInteger;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalTest {

  @Test
  void shouldEscapeOnlyWhatJsonStringifyEscapes() {
    String canonical =
        Canonical.canonicalize(
            "[\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\\\/\\u007f\\u2028\\ud83d\\ude02\"]");

    assertThat(canonical)
        .isEqualTo("[\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\/\u007f\u2028\uD83D\uDE02\"]");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[\"\\ud800\"]",
        "[\"a\\udc00b\"]",
        "[\"\\ude02\\ud83d\"]",
        "{\"\\udbff\":1}",
        "[\"x\\ud83d\"]"
      })
  void shouldRejectLoneSurrogatesAsRfc8785Requires(String json) {
    // RFC 8785 section 3.2.2.2: lone surrogates MUST make the canonicaliser fail, else two
    // different documents ("\ud800" and "?") would hash, and so sign, alike.
    assertThatThrownBy(() -> Canonical.canonicalize(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("surrogate");
  }

  @Test
  void shouldLeaveStringsUnnormalised() {
    assertThat(Canonical.canonicalize("[\"A\\u030a\",\"\\u00c5\"]"))
        .isEqualTo("[\"A\u030a\",\"\u00c5\"]");
  }

  @Test
  void shouldExcludeTopLevelMembersOnly() {
    String canonical =
        Canonical.canonicalizeExcluding(
            Json.parse("{\"b\":{\"signature\":1},\"signature\":2,\"a\":[]}"), Set.of("signature"));

    assertThat(canonical).isEqualTo("{\"a\":[],\"b\":{\"signature\":1}}");
  }

  @Test
  void shouldRejectNumbersBeyondTheDoubleRange() {
    assertThatThrownBy(() -> Canonical.canonicalize("[1e400]"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldWriteLargeIntegersAsTheNearestDouble() {
    assertThat(
            Canonical.canonicalize(
                "[9007199254740992, 9007199254740993, -9007199254740993, 18446744073709551616]"))
        .isEqualTo("[9007199254740992,9007199254740992,-9007199254740992,18446744073709552000]");
  }

  static Stream<Arguments> integers() {
    BigInteger twoTo53 = BigInteger.TWO.pow(53);
    return Stream.of(
        // Math.abs(Long.MIN_VALUE) is negative, so a magnitude test through it printed -2^63
        // exactly.
        Arguments.of("Long.MIN_VALUE", LongNode.valueOf(Long.MIN_VALUE), "-9223372036854776000"),
        Arguments.of(
            "Long.MIN_VALUE parsed", Json.parse("-9223372036854775808"), "-9223372036854776000"),
        Arguments.of("Long.MAX_VALUE", LongNode.valueOf(Long.MAX_VALUE), "9223372036854776000"),
        Arguments.of("2^53 as long", LongNode.valueOf(1L << 53), "9007199254740992"),
        Arguments.of("-2^53 as long", LongNode.valueOf(-(1L << 53)), "-9007199254740992"),
        Arguments.of("2^53+1 as long", LongNode.valueOf((1L << 53) + 1), "9007199254740992"),
        Arguments.of("-2^53-1 as long", LongNode.valueOf(-(1L << 53) - 1), "-9007199254740992"),
        Arguments.of("2^53 as BigInteger", BigIntegerNode.valueOf(twoTo53), "9007199254740992"),
        Arguments.of(
            "2^53+1 as BigInteger",
            BigIntegerNode.valueOf(twoTo53.add(BigInteger.ONE)),
            "9007199254740992"),
        // A tie between 2^53+2 and 2^53+4: ES6 rounds to the even significand, 2^53+4.
        Arguments.of(
            "2^53+3 as BigInteger",
            BigIntegerNode.valueOf(twoTo53.add(BigInteger.valueOf(3))),
            "9007199254740996"),
        Arguments.of("42 as BigInteger", BigIntegerNode.valueOf(BigInteger.valueOf(42)), "42"),
        Arguments.of(
            "-(2^64-1) as BigInteger",
            BigIntegerNode.valueOf(new BigInteger("-18446744073709551615")),
            "-18446744073709552000"),
        Arguments.of(
            "-(2^64-1) parsed", Json.parse("-18446744073709551615"), "-18446744073709552000"),
        Arguments.of(
            "10^21 as BigInteger", BigIntegerNode.valueOf(BigInteger.TEN.pow(21)), "1e+21"),
        Arguments.of("-0 parsed", Json.parse("-0"), "0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("integers")
  void shouldWriteIntegersExactlyUpTo2To53AndAsTheNearestEs6DoubleBeyond(
      String name, JsonNode number, String expected) {
    assertThat(Canonical.canonicalize(number)).isEqualTo(expected);
  }
}
