package dev.signet.ingress.types;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import dev.signet.core.types.TypeRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

@WebMvcTest(TypesController.class)
@Import(TypesControllerTest.Config.class)
class TypesControllerTest {

  @TestConfiguration
  static class Config {
    @Bean
    TypeRegistry typeRegistry() throws IOException {
      // A schema directory adds a third pair: ingress lists what the processor maps.
      Path dir = Files.createTempDirectory("signet-types");
      Files.writeString(dir.resolve("acme.order.v1.schema.json"), "{\"type\":\"object\"}");
      Files.writeString(
          dir.resolve("acme.order.v1--acme.order.v1.json"),
          "{\"payload_type\":\"acme.order.v1\",\"target_type\":\"acme.order.v1\",\"map\":{\"\":\"$\"}}");
      return TypeRegistry.load(Optional.of(dir));
    }
  }

  @Autowired MockMvcTester mvc;

  @Test
  void shouldListTheSupportedPairsWithTheirSchemas() throws Exception {
    MvcTestResult result = mvc.get().uri("/v1/types").exchange();

    assertThat(result).hasStatusOk();
    JsonNode body = Json.parse(result.getResponse().getContentAsByteArray());
    assertThat(body.get("pairs"))
        .extracting(p -> p.get("payload_type").asText() + "->" + p.get("target_type").asText())
        .containsExactly(
            "openai.tooluse.invoice.v1->invoice.iso20022.v1",
            "invoice.iso20022.v1->invoice.iso20022.v1",
            "acme.order.v1->acme.order.v1");
    JsonNode invoice = body.get("pairs").get(0);
    assertThat(invoice.at("/payload_schema/required/0").asText()).isEqualTo("tool_calls");
    assertThat(invoice.at("/embedded_schema/properties/amount/type").asText()).isEqualTo("number");
    assertThat(invoice.at("/target_schema/$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
  }
}
