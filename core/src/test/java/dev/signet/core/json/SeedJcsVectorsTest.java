package dev.signet.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.Conformance;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

class SeedJcsVectorsTest {

  @Test
  void shouldPassEveryCaseOfThePythonOriginal() {
    JsonNode doc =
        Json.parse(
            Conformance.bytes(Conformance.file("seed-vectors/jcs/canonicalization-tests.json")));
    JsonNode tests = doc.path("tests");
    assertThat(tests.isArray()).isTrue();
    assertThat(tests.size()).isGreaterThanOrEqualTo(6);

    SoftAssertions softly = new SoftAssertions();
    for (JsonNode test : tests) {
      softly
          .assertThat(Canonical.canonicalize(test.get("input")))
          .as(test.path("name").asText())
          .isEqualTo(test.get("expected").asText());
    }
    softly.assertAll();
  }
}
