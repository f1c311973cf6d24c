package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.billing.reserved.ReservedConfigParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The reserved-capacity files shipped for compose and Kubernetes load as billing reads them. */
class ShippedReservedCapacityTest {

  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

  @Test
  void shouldShipAComposeExampleThatBillingAccepts() throws IOException {
    String file = Files.readString(REPOSITORY.resolve("config/reserved-capacity.json"));

    assertThat(ReservedConfigParser.parse(file))
        .isInstanceOfSatisfying(
            ReservedConfigParser.Parsed.class,
            parsed -> assertThat(parsed.config().tenants()).containsKey("acme"));
    assertThat(Files.readString(REPOSITORY.resolve("docker-compose.yml")))
        .contains("./config/reserved-capacity.json:/etc/signet/reserved-capacity.json:ro")
        .contains("SP_RESERVED_CONFIG: /etc/signet/reserved-capacity.json");
  }

  @Test
  void shouldShipAKubernetesConfigMapThatBillingAccepts() throws IOException {
    String configMap = Files.readString(REPOSITORY.resolve("k8s/base/reserved-capacity.yaml"));
    String json = configMap.substring(configMap.indexOf("reserved-capacity.json: |") + 25).strip();

    assertThat(ReservedConfigParser.parse(json)).isInstanceOf(ReservedConfigParser.Parsed.class);
    assertThat(Files.readString(REPOSITORY.resolve("k8s/base/billing.yaml")))
        .contains("SP_RESERVED_CONFIG, value: /etc/signet/reserved-capacity.json")
        .contains("configMap: {name: signet-reserved-capacity}");
  }
}
