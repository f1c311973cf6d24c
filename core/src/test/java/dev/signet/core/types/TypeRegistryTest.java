package dev.signet.core.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TypeRegistryTest {

  @TempDir Path dir;

  @Test
  void shouldShipTheInvoicePairAndThePassthroughWithTheirSchemas() {
    TypeRegistry types = TypeRegistry.builtIn();

    assertThat(types.pairs())
        .containsExactly(
            new TypePair("openai.tooluse.invoice.v1", "invoice.iso20022.v1"),
            new TypePair("invoice.iso20022.v1", "invoice.iso20022.v1"));
    assertThat(types.schema("openai.tooluse.invoice.v1"))
        .get()
        .extracting(s -> s.path("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(types.schema("openai.tooluse.invoice.arguments.v1")).isPresent();
    assertThat(types.supports("invoice.iso20022.v1", "edi.x12.v1")).isFalse();
  }

  @Test
  void shouldAddAPairFromTheSchemaDirectory() throws IOException {
    Files.writeString(dir.resolve("a.v1.schema.json"), "{\"type\":\"object\"}");
    Files.writeString(
        dir.resolve("a.v1--a.v1.json"),
        "{\"payload_type\":\"a.v1\",\"target_type\":\"a.v1\",\"map\":{\"\":\"$\"}}");

    TypeRegistry types = TypeRegistry.load(Optional.of(dir));

    assertThat(types.supports("a.v1", "a.v1")).isTrue();
    assertThat(types.pairs()).hasSize(3);
  }

  @Test
  void shouldNameTheVariableWhenTheDirectoryIsMissing() {
    assertThatThrownBy(() -> TypeRegistry.load(Optional.of(dir.resolve("nope"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_SCHEMA_DIR");
  }

  @Test
  void shouldNameTheVariableAndTheFileWhenAFileIsNotJson() throws IOException {
    Files.writeString(dir.resolve("broken.schema.json"), "{nope");

    assertThatThrownBy(() -> TypeRegistry.load(Optional.of(dir)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_SCHEMA_DIR")
        .hasMessageContaining("broken.schema.json");
  }

  @Test
  void shouldRefuseAMappingWhoseSchemaIsMissing() throws IOException {
    Files.writeString(
        dir.resolve("b.v1--invoice.iso20022.v1.json"),
        "{\"payload_type\":\"b.v1\",\"target_type\":\"invoice.iso20022.v1\",\"map\":{}}");

    assertThatThrownBy(() -> TypeRegistry.load(Optional.of(dir)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("b.v1.schema.json")
        .hasMessageContaining("SP_SCHEMA_DIR");
  }
}
