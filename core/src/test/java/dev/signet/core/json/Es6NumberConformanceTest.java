package dev.signet.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.Conformance;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Es6NumberConformanceTest {

  private static final int EXPECTED_LINES = 100_000;

  @Test
  void shouldSerialiseEveryReferenceDoubleAsEs6Does() throws IOException {
    List<String> failures = new ArrayList<>();
    int lines = 0;
    int nonFinite = 0;
    try (BufferedReader reader =
        Files.newBufferedReader(
            Conformance.file("es6-numbers-100k.txt"), StandardCharsets.US_ASCII)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines++;
        int comma = line.indexOf(',');
        assertThat(comma).as("line %d has the form hex,expected: %s", lines, line).isPositive();
        double value =
            Double.longBitsToDouble(Long.parseUnsignedLong(line.substring(0, comma), 16));
        String expected = line.substring(comma + 1);
        if (Double.isNaN(value) || Double.isInfinite(value)) {
          // RFC 8785 has no form for these; the reference file is expected to hold none.
          nonFinite++;
          continue;
        }
        String actual = Canonical.es6Number(value);
        if (!actual.equals(expected) && failures.size() < 20) {
          failures.add("line " + lines + " " + line + " -> " + actual);
        }
      }
    }

    assertThat(lines).isEqualTo(EXPECTED_LINES);
    assertThat(nonFinite).as("NaN/Infinity lines in the file").isZero();
    assertThat(failures).isEmpty();
  }

  @Test
  void shouldRejectNonFiniteNumbers() {
    assertThatThrownBy(() -> Canonical.es6Number(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Canonical.es6Number(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
