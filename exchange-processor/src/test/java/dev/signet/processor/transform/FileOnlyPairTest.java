package dev.signet.processor.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import dev.signet.core.types.TypeRegistry;
import dev.signet.processor.ProcessorEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A third pair added with two schema files and one mapping file in SP_SCHEMA_DIR, no Java. */
class FileOnlyPairTest {

  @TempDir Path dir;

  @BeforeEach
  void writeFiles() throws IOException {
    Files.writeString(
        dir.resolve("acme.order.v1.schema.json"),
        """
        {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
         "required":["order","price","ccy"],
         "properties":{"order":{"type":"string","minLength":1},"price":{"type":"number"},
                       "ccy":{"type":"string"},"buyer":{"type":"object"}}}
        """);
    Files.writeString(
        dir.resolve("acme.ledger.v1.schema.json"),
        """
        {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
         "required":["ref","minor","currency","source"],
         "properties":{"minor":{"type":"integer"}}}
        """);
    Files.writeString(
        dir.resolve("acme.order.v1--acme.ledger.v1.json"),
        """
        {"payload_type":"acme.order.v1","target_type":"acme.ledger.v1",
         "map":{"/ref":"$/order","/minor":"to_minor($/price, $/ccy)","/currency":"upper($/ccy)",
                "/source":"const(\\"acme\\")","/party/name":"$/buyer/name?"}}
        """);
  }

  @Test
  void shouldMapAThirdPairDefinedOnlyByFiles() {
    Transformations transformations = fromEnvironment();

    Outcome outcome =
        transformations.apply(
            "acme.order.v1",
            "acme.ledger.v1",
            Json.parse("{\"order\":\"O-1\",\"price\":12.34,\"ccy\":\"EUR\"}"));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Normalized.class,
            normalized ->
                assertThat(Json.toText(normalized.document()))
                    .isEqualTo(
                        "{\"ref\":\"O-1\",\"minor\":1234,\"currency\":\"EUR\",\"source\":\"acme\"}"));
    assertThat(transformations.supported()).contains("acme.order.v1->acme.ledger.v1");
  }

  @Test
  void shouldRefuseAThirdPairPayloadAgainstItsOwnSchema() {
    Outcome outcome =
        fromEnvironment()
            .apply("acme.order.v1", "acme.ledger.v1", Json.parse("{\"order\":\"\",\"price\":1}"));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Rejected.class,
            rejected -> {
              assertThat(rejected.code()).isEqualTo(ErrorCode.SCHEMA_INVALID);
              assertThat(rejected.detail()).contains("/order:").contains("ccy");
            });
  }

  @Test
  void shouldStopAtStartOnABadInvariantNamingThePair() throws IOException {
    Files.writeString(
        dir.resolve("acme.order.v1--acme.ledger.v1.json"),
        """
        {"payload_type":"acme.order.v1","target_type":"acme.ledger.v1",
         "map":{"/ref":"$/order"},
         "invariants":[{"rule":"preserved","field":"/price","kind":"amount"}]}
        """);

    assertThatThrownBy(this::fromEnvironment)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("acme.order.v1--acme.ledger.v1")
        .hasMessageContaining("\"invariants\" need an \"embedded\" document");
  }

  private Transformations fromEnvironment() {
    TypeRegistry types =
        ProcessorEnvironment.fromEnvironment(
                Map.of(
                    TypeRegistry.ENV,
                    dir.toString(),
                    // A throwaway all-zero test seed: the config needs a signing key.
                    "SP_PRIVATE_KEY_B64",
                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
            .types();
    return Transformations.from(types, new Admission(Admission.Limits.defaults()));
  }
}
