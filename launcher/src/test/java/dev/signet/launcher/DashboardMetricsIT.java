package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.core.metrics.MeterRegistrationFailures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped Grafana dashboards and Prometheus alert rules against what a running pipeline
 * exports: PromQL selects series by their exact name, so every {@code signet_*} name a panel or a
 * rule queries must be a series of the local pipeline's {@code /metrics} (one registry for every
 * service) once it has served an accepted and a refused exchange. The few meters that exist only
 * after their event (a per-tag meter Micrometer creates on first use) are listed with that event;
 * each must still be absent before it, so the list cannot hide a misspelt name.
 */
class DashboardMetricsIT {

  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

  /** Signet's own series, and the Kafka clients' that the Streams apps bind (client metrics). */
  private static final Pattern QUERIED = Pattern.compile("\\b(?:signet|kafka)_[a-z0-9_]+");

  private static final Pattern SERIES =
      Pattern.compile("^((?:signet|kafka)_[a-z0-9_]+)[{ ]", Pattern.MULTILINE);

  /**
   * Series that appear only with their event (or the setting that makes it happen), which this test
   * does not cause; and why.
   */
  private static final Map<String, String> CREATED_BY_THEIR_EVENT =
      Map.of(
          "signet_denied_total",
          "a forward the egress policy refuses (tag: reason)",
          "signet_forward_total",
          "a forward made (tag: result)",
          "signet_overage_units_total",
          "usage beyond a tenant's reserved capacity (tag: tenant)",
          "signet_reserved_capacity",
          "a tenant with reserved capacity (tag: tenant)",
          "signet_fu_tokens_total",
          "FU billed: a model repair's tokens (tag: tenant)",
          "signet_api_keys_reload_total",
          "a reload of SP_API_KEYS_FILE (tag: result); local mode here has no keys file");

  private static LocalMode local;

  @BeforeAll
  static void start() throws IOException {
    local = LocalMode.start(LocalModeITs.env(Files.createTempDirectory("signet-dashboard-it")));
    PipelineIT.useLocal(local);
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
  }

  @Test
  void shouldExportEverySeriesTheDashboardsAndAlertRulesQuery() throws Exception {
    Set<String> queried = queried();
    Set<String> beforeAnyExchange = exported();
    assertThat(CREATED_BY_THEIR_EVENT.keySet())
        .as("listed as created by their event, so absent until then")
        .doesNotContainAnyElementsOf(beforeAnyExchange)
        .allSatisfy(name -> assertThat(queried).contains(name));

    assertThat(PipelineIT.post("/v1/exchange", PipelineIT.invoice("dash-1", "12.5"), "dash-1"))
        .extracting(response -> response.statusCode())
        .isEqualTo(200);
    assertThat(PipelineIT.post("/v1/exchange", "{\"payload_type\":1}", "dash-2"))
        .extracting(response -> response.statusCode())
        .isNotEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Set<String> missing = new TreeSet<>(queried);
              missing.removeAll(exported());
              missing.removeAll(CREATED_BY_THEIR_EVENT.keySet());
              assertThat(missing)
                  .as("series the dashboards or alert rules query that the pipeline never exports")
                  .isEmpty();
            });
    assertThat(PipelineIT.get("/metrics").body())
        .as("meters of any service the registry refused (a clashing name drops their series)")
        .contains(MeterRegistrationFailures.NAME + " 0.0");
  }

  /** Every {@code signet_*} and {@code kafka_*} name in the dashboards and the alert rules. */
  private static Set<String> queried() throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> dashboards = Files.list(REPOSITORY.resolve("ops/grafana/dashboards"))) {
      for (Path file :
          Stream.concat(
                  dashboards.filter(p -> p.toString().endsWith(".json")),
                  Stream.of(REPOSITORY.resolve("ops/prometheus/alerts.yml")))
              .toList()) {
        Matcher matcher = QUERIED.matcher(Files.readString(file));
        while (matcher.find()) {
          names.add(matcher.group());
        }
      }
    }
    assertThat(names).as("names found in the shipped files").hasSizeGreaterThan(10);
    return names;
  }

  /** The series names the running pipeline's {@code /metrics} exports now. */
  private static Set<String> exported() throws Exception {
    String scrape = PipelineIT.get("/metrics").body();
    Matcher matcher = SERIES.matcher(scrape);
    return matcher.results().map(match -> match.group(1)).collect(Collectors.toSet());
  }
}
