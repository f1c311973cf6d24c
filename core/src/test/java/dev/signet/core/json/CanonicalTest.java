package dev.signet.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalTest {

  @Test
  void shouldEscapeOnlyWhatJsonStringifyEscapes() {
    String canonical = Canonical.canonicalize("[\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\\\/\\u007f\\u2028\\ud83d\\ude02\"]");

    assertThat(canonical).isEqualTo("[\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\/\u007f\u2028\uD83D\uDE02\"]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[\"\\ud800\"]", "[\"a\\udc00b\"]", "[\"\\ude02\\ud83d\"]", "{\"\\udbff\":1}", "[\"x\\ud83d\"]"})
  void shouldRejectLoneSurrogatesAsRfc8785Requires(String json) {
    // RFC 8785 section 3.2.2.2: lone surrogates MUST make the canonicaliser fail, else two
    // different documents ("\ud800" and "?") would hash, and so sign, alike.
    assertThatThrownBy(() -> Canonical.canonicalize(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("surrogate");
  }

  @Test
  void shouldLeaveStringsUnnormalised() {
    assertThat(Canonical.canonicalize("[\"A\\u030a\",\"\\u00c5\"]")).isEqualTo("[\"A\u030a\",\"\u00c5\"]");
  }

  @Test
  void shouldExcludeTopLevelMembersOnly() {
    String canonical = Canonical.canonicalizeExcluding(
        Json.parse("{\"b\":{\"signature\":1},\"signature\":2,\"a\":[]}"), Set.of("signature"));

    assertThat(canonical).isEqualTo("{\"a\":[],\"b\":{\"signature\":1}}");
  }

  @Test
  void shouldRejectNumbersBeyondTheDoubleRange() {
    assertThatThrownBy(() -> Canonical.canonicalize("[1e400]")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldWriteLargeIntegersAsTheNearestDouble() {
    assertThat(Canonical.canonicalize("[9007199254740992, 9007199254740993, -9007199254740993, 18446744073709551616]"))
        .isEqualTo("[9007199254740992,9007199254740992,-9007199254740992,18446744073709552000]");
  }
}
