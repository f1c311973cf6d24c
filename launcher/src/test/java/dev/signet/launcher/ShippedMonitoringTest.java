package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The monitoring shipped with compose: Prometheus scrapes every Signet service on the port it
 * serves {@code /metrics} on, and every Signet metric the alert rules and the Grafana dashboard
 * query is one the code registers (a renamed meter breaks this test, not a silent alert).
 */
class ShippedMonitoringTest {

  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern QUERIED = Pattern.compile("\\bsignet_[a-z0-9_]+");
  private static final Pattern REGISTERED = Pattern.compile("\"(signet[._][a-z0-9_.]+)\"");
  private static final List<String> PROMETHEUS_SUFFIXES =
      List.of("_total", "_bucket", "_count", "_sum", "_max", "_seconds");
  private static final Map<String, String> METRICS_PORTS =
      Map.of(
          "ingress", "ingress:8088",
          "processor", "processor:9404",
          "billing", "billing:9404",
          "receipt-store", "receipt-store:9404");

  @Test
  void shouldScrapeEverySignetServiceOfCompose() throws IOException {
    JsonNode compose = YAML.readTree(REPOSITORY.resolve("docker-compose.yml").toFile());
    JsonNode prometheus =
        YAML.readTree(REPOSITORY.resolve("ops/prometheus/prometheus.yml").toFile());
    Set<String> targets = new HashSet<>();
    for (JsonNode job : prometheus.get("scrape_configs")) {
      for (JsonNode config : job.get("static_configs")) {
        config.get("targets").forEach(target -> targets.add(target.asText()));
      }
    }

    Set<String> signetServices = new TreeSet<>();
    compose
        .get("services")
        .properties()
        .forEach(
            service -> {
              // Each service runs from its own image, signet/<service>:<version>.
              JsonNode image = service.getValue().get("image");
              String name = image == null ? "" : image.asText().replaceAll("^signet/|:.*$", "");
              if (METRICS_PORTS.containsKey(name)) {
                signetServices.add(service.getKey());
              }
            });
    assertThat(signetServices).containsExactlyInAnyOrderElementsOf(METRICS_PORTS.keySet());
    assertThat(targets).containsAll(METRICS_PORTS.values());
    assertThat(compose.at("/services/prometheus/volumes").toString())
        .contains("./ops/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
  }

  @Test
  void shouldQueryOnlyMetricsTheCodeRegisters() throws IOException {
    Set<String> registered = registeredMeters();
    String alerts = Files.readString(REPOSITORY.resolve("ops/prometheus/alerts.yml"));
    String dashboard = Files.readString(REPOSITORY.resolve("ops/grafana/dashboards/signet.json"));
    JsonNode rules = YAML.readTree(alerts).at("/groups/0/rules");
    new ObjectMapper().readTree(dashboard);

    Set<String> unknown = new TreeSet<>();
    for (String text : List.of(alerts, dashboard)) {
      Matcher queried = QUERIED.matcher(text);
      while (queried.find()) {
        if (!isRegistered(queried.group(), registered)) {
          unknown.add(queried.group());
        }
      }
    }
    assertThat(unknown).as("metrics queried but never registered").isEmpty();
    assertThat(rules).hasSizeGreaterThanOrEqualTo(8);
    rules.forEach(
        rule -> {
          assertThat(rule.get("alert").asText()).isNotBlank();
          assertThat(rule.get("expr").asText()).isNotBlank();
        });
  }

  @Test
  void shouldShipTheSameAlertRulesToKubernetes() throws IOException {
    JsonNode compose = YAML.readTree(REPOSITORY.resolve("ops/prometheus/alerts.yml").toFile());
    JsonNode kubernetes =
        YAML.readTree(REPOSITORY.resolve("k8s/monitoring/prometheus-rule.yaml").toFile());

    assertThat(kubernetes.get("kind").asText()).isEqualTo("PrometheusRule");
    assertThat(kubernetes.at("/spec/groups"))
        .as("k8s/monitoring/prometheus-rule.yaml must carry ops/prometheus/alerts.yml's groups")
        .isEqualTo(compose.get("groups"));
    JsonNode podMonitor =
        YAML.readTree(REPOSITORY.resolve("k8s/monitoring/pod-monitor.yaml").toFile());
    assertThat(podMonitor.at("/spec/jobLabel").asText()).isEqualTo("app.kubernetes.io/name");
  }

  /** Meter names in the services' code, as Prometheus spells them (dots become underscores). */
  private static Set<String> registeredMeters() throws IOException {
    Set<String> names = new HashSet<>();
    try (Stream<Path> files = Files.walk(REPOSITORY)) {
      for (Path file :
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> p.toString().contains("/src/main/"))
              .toList()) {
        Matcher literal = REGISTERED.matcher(Files.readString(file));
        while (literal.find()) {
          names.add(literal.group(1).replace('.', '_'));
        }
      }
    }
    return names;
  }

  /**
   * Whether a queried series belongs to a registered meter: its own name, or that name with the
   * suffixes Prometheus adds (counters' {@code _total}, timers' {@code _seconds} and histogram
   * series); stage meters are named {@code signet_<stage>_<suffix>} at run time.
   */
  private static boolean isRegistered(String queried, Set<String> registered) {
    String name = queried;
    for (int i = 0; i < 3; i++) {
      if (registered.contains(name) || registered.contains(name + "_total")) {
        return true;
      }
      for (String suffix : PROMETHEUS_SUFFIXES) {
        if (name.endsWith(suffix)) {
          name = name.substring(0, name.length() - suffix.length());
          break;
        }
      }
    }
    return name.matches("signet_(repair|forward)_(calls|call|outcomes_refused|requests_refused).*")
        || registered.contains(name);
  }
}
