package dev.signet.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.Conformance;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Rfc8785ConformanceTest {

  static Stream<String> cases() {
    return Conformance.files("rfc8785/input", ".json").stream()
        .map(p -> p.getFileName().toString());
  }

  @Test
  void shouldHaveAllSixReferenceCases() {
    assertThat(cases())
        .containsExactly(
            "arrays.json",
            "french.json",
            "structures.json",
            "unicode.json",
            "values.json",
            "weird.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void shouldCanonicalizeReferenceInputToExpectedBytes(String name) {
    byte[] input = Conformance.bytes(Conformance.file("rfc8785/input/" + name));
    byte[] expected = Conformance.bytes(Conformance.file("rfc8785/output/" + name));

    byte[] actual = Canonical.canonicalBytes(Json.parse(input));

    assertThat(new String(actual, StandardCharsets.UTF_8))
        .isEqualTo(new String(expected, StandardCharsets.UTF_8));
    assertThat(actual).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void shouldMatchTheHexFormOfTheExpectedOutput(String name) {
    Path hexFile = Conformance.file("rfc8785/outhex/" + name.replace(".json", ".txt"));
    String hex =
        new String(Conformance.bytes(hexFile), StandardCharsets.US_ASCII).replaceAll("\\s+", "");
    byte[] actual =
        Canonical.canonicalBytes(
            Json.parse(Conformance.bytes(Conformance.file("rfc8785/input/" + name))));

    assertThat(actual).isEqualTo(HexFormat.of().parseHex(hex));
  }

  @Test
  void shouldBeIdempotentOnCanonicalOutput() {
    for (String name : cases().toList()) {
      String once =
          new String(
              Conformance.bytes(Conformance.file("rfc8785/output/" + name)),
              StandardCharsets.UTF_8);
      assertThat(Canonical.canonicalize(once)).as(name).isEqualTo(once);
    }
  }

  @Test
  void shouldOrderKeysByUtf16CodeUnitsNotCodePoints() {
    // U+FB33 (one UTF-16 unit, 0xFB33) sorts after U+1F602 (surrogates 0xD83D 0xDE02) in UTF-16
    // order
    // though its code point is smaller: RFC 8785 sorts by UTF-16 units.
    String canonical = Canonical.canonicalize("{\"\\ufb33\":1,\"\\ud83d\\ude02\":2}");

    assertThat(canonical).isEqualTo("{\"\uD83D\uDE02\":2,\"\uFB33\":1}");
  }

  @Test
  void shouldWriteNumbersInEs6Form() {
    List<String> inputs =
        List.of("[1.0, -0.0, 1e21, 1e-7, 123456789012345678901234567890, 9007199254740993, 0.1]");
    assertThat(Canonical.canonicalize(inputs.get(0)))
        .isEqualTo("[1,0,1e+21,1e-7,1.2345678901234568e+29,9007199254740992,0.1]");
  }
}
