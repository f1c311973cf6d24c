package dev.signet.ingress.admin;

import static dev.signet.core.topic.Topics.BILLING_RESERVED_CONFIG;
import static dev.signet.core.topic.Topics.BILLING_RESERVED_CONFIG_AUDIT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.billing.reserved.ReservedConfigPublisher;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.crypto.KeyParser;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.message.ReservedConfigChange;
import dev.signet.core.topic.Topic;
import dev.signet.ingress.IngressApplication;
import dev.signet.ingress.TestHttp;
import dev.signet.ingress.exchange.ExchangeGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * {@code POST /v1/admin/reload-reserved} end to end: the real publisher against an in-process KRaft
 * broker, the file on disk rewritten between reloads, and both topics read back with read_committed
 * after each one.
 */
@SpringBootTest(
    classes = IngressApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "signet.api-keys={"
          + "\"ops_admin\":{\"tenant\":\"ops\",\"scopes\":[\"admin\"]},"
          + "\"ops_billing\":{\"tenant\":\"ops\",\"scopes\":[\"billing.read\"]},"
          + "\"ops_plain\":{\"tenant\":\"ops\"}}",
      "signet.private-key=" + ReservedConfigReloadIT.SEED,
      "signet.postgres-url=jdbc:postgresql://127.0.0.1:1/unused"
    })
class ReservedConfigReloadIT {

  private static final int PARTITIONS = 2;
  static final String SEED = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  /** The MACs of the ingress under test, whose key is {@link #SEED}. */
  private static final BillingMacs MACS =
      BillingMacs.of(ServerSecret.derivedFrom(KeyParser.parse("signet-1", SEED)));

  private static final EmbeddedKafkaKraftBroker broker = startBroker();
  private static final Path file = tempFile();

  private static final String ACME =
      "{\"vex_reserved\": 1000, \"fu_reserved\": 10, \"currency\": \"EUR\","
          + " \"vex_overage_tiers\": [{\"threshold\": 0, \"price_per_unit\": \"0.01\"}]}";
  private static final String BETA = "{\"vex_reserved\": 50, \"fu_reserved\": 0}";
  // BETA's members in another order, with other spacing: the same canonical entry.
  private static final String BETA_REFORMATTED = "{ \"fu_reserved\":0,\"vex_reserved\":50 }";
  private static final String BETA_CHANGED = "{\"vex_reserved\": 60, \"fu_reserved\": 0}";

  @LocalServerPort int port;
  @MockitoBean ExchangeGateway gateway;

  @MockitoBean(name = "receiptDataSource")
  DataSource dataSource;

  private final HttpClient http = HttpClient.newHttpClient();

  private static EmbeddedKafkaKraftBroker startBroker() {
    EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
    // One broker: the transaction state log must fit on it.
    kafka.brokerProperties(
        Map.of(
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1"));
    kafka.afterPropertiesSet();
    kafka.addTopics(topic(BILLING_RESERVED_CONFIG), topic(BILLING_RESERVED_CONFIG_AUDIT));
    return kafka;
  }

  private static NewTopic topic(Topic<?, ?> topic) {
    return new NewTopic(topic.name(), PARTITIONS, (short) 1).configs(topic.configs());
  }

  private static Path tempFile() {
    try {
      return Files.createTempFile("reserved-", ".json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    registry.add("signet.kafka-bootstrap", broker::getBrokersAsString);
    registry.add("signet.reserved-config", file::toString);
  }

  @AfterAll
  static void stop() throws IOException {
    broker.destroy();
    Files.deleteIfExists(file);
  }

  @Test
  void shouldPublishOnlyWhatChangedToBothTopicsAndRefuseAnInvalidFile() {
    // 1. First publication: both tenants are new.
    String first = write("{\"acme\": " + ACME + ", \"beta\": " + BETA + "}");
    JsonNode added = Json.parse(reload("ops_admin").body());
    assertThat(added.get("added")).containsExactly(text("acme"), text("beta"));
    assertThat(added.get("published").asInt()).isEqualTo(2);
    assertThat(added.get("source_sha256").asText()).isEqualTo(sha256(first));
    List<ReservedConfigChange> config = read(BILLING_RESERVED_CONFIG);
    List<ReservedConfigChange> audit = read(BILLING_RESERVED_CONFIG_AUDIT);
    assertThat(config).hasSize(2).containsExactlyInAnyOrderElementsOf(audit);
    ReservedConfigChange acme = only(config, "acme");
    assertThat(acme.action()).isEqualTo(ReservedConfigChange.SET);
    assertThat(acme.reservation()).isEqualTo(Json.parse(ACME));
    assertThat(acme.version()).isEqualTo(sha256(Canonical.canonicalize(ACME)));
    assertThat(acme.previousVersion()).isNull();
    assertThat(acme.changedBy()).isEqualTo("admin:ops");
    assertThat(acme.sourceSha256()).isEqualTo(sha256(first));
    String betaVersion = only(config, "beta").version();

    // 2. The same entries, reformatted: nothing is written.
    write("{\"beta\": " + BETA_REFORMATTED + ",\n \"acme\": " + ACME + "}");
    JsonNode unchanged = Json.parse(reload("ops_admin").body());
    assertThat(unchanged.get("unchanged")).containsExactly(text("acme"), text("beta"));
    assertThat(unchanged.get("published").asInt()).isZero();
    assertThat(read(BILLING_RESERVED_CONFIG)).hasSize(2);
    assertThat(read(BILLING_RESERVED_CONFIG_AUDIT)).hasSize(2);

    // 3. One tenant changes: one record on each topic, naming the version it replaces.
    write("{\"acme\": " + ACME + ", \"beta\": " + BETA_CHANGED + "}");
    JsonNode changed = Json.parse(reload("ops_admin").body());
    assertThat(changed.get("changed")).containsExactly(text("beta"));
    assertThat(changed.get("unchanged")).containsExactly(text("acme"));
    List<ReservedConfigChange> afterChange = read(BILLING_RESERVED_CONFIG_AUDIT);
    assertThat(afterChange).hasSize(3);
    assertThat(read(BILLING_RESERVED_CONFIG)).hasSize(3);
    ReservedConfigChange betaChange =
        afterChange.stream()
            .filter(c -> c.tenant().equals("beta"))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(betaChange.previousVersion()).isEqualTo(betaVersion);
    assertThat(betaChange.reservation()).isEqualTo(Json.parse(BETA_CHANGED));

    // 4. A tenant leaves the file: it is removed.
    write("{\"beta\": " + BETA_CHANGED + "}");
    JsonNode removed = Json.parse(reload("ops_admin").body());
    assertThat(removed.get("removed")).containsExactly(text("acme"));
    List<ReservedConfigChange> afterRemoval = read(BILLING_RESERVED_CONFIG);
    assertThat(afterRemoval).hasSize(4);
    List<ReservedConfigChange> removals =
        afterRemoval.stream().filter(ReservedConfigChange::removed).toList();
    assertThat(removals).hasSize(1);
    ReservedConfigChange removal = removals.get(0);
    assertThat(removal.tenant()).isEqualTo("acme");
    assertThat(removal.removed()).isTrue();
    assertThat(removal.reservation()).isNull();
    assertThat(removal.previousVersion()).isEqualTo(acme.version());
    assertThat(read(BILLING_RESERVED_CONFIG_AUDIT)).hasSize(4);

    // 5. An invalid file: 422 with every reason, nothing written, the config in force stays.
    write("{\"beta\": {\"vex_reserved\": -1}, \"gamma\": {\"fu_reserved\": 1}}");
    HttpResponse<String> refused = reload("ops_admin");
    assertThat(refused.statusCode()).isEqualTo(422);
    JsonNode problem = Json.parse(refused.body());
    assertThat(problem.get("code").asText()).isEqualTo("RESERVED_CONFIG_INVALID");
    assertThat(problem.get("reasons")).hasSizeGreaterThanOrEqualTo(3);
    assertThat(problem.get("reasons").toString())
        .contains("beta", "vex_reserved", "gamma", "fu_reserved");
    assertThat(read(BILLING_RESERVED_CONFIG)).hasSize(4);
    assertThat(read(BILLING_RESERVED_CONFIG_AUDIT)).hasSize(4);

    // 6. A record written to the topic without Signet's MAC is not part of the config in force:
    // the file in force, reloaded, is still unchanged.
    forge(
        new ReservedConfigChange(
            "beta",
            ReservedConfigChange.SET,
            Json.parse("{\"vex_reserved\": 1, \"fu_reserved\": 0}"),
            "forged",
            null,
            "2026-01-01T00:00:00Z",
            "admin:ops",
            "forged"));
    write("{\"beta\": " + BETA_CHANGED + "}");
    JsonNode afterForgery = Json.parse(reload("ops_admin").body());
    assertThat(afterForgery.get("unchanged")).containsExactly(text("beta"));
    assertThat(afterForgery.get("published").asInt()).isZero();
  }

  private static void forge(ReservedConfigChange change) {
    Map<String, Object> props =
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    try (KafkaProducer<String, ReservedConfigChange> producer =
        new KafkaProducer<>(
            props,
            BILLING_RESERVED_CONFIG.keySerde().serializer(),
            BILLING_RESERVED_CONFIG.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(BILLING_RESERVED_CONFIG.name(), change.tenant(), change));
    }
  }

  @Test
  void shouldRefuseKeysWithoutTheExplicitAdminScope() {
    write("{\"acme\": " + ACME + "}");
    for (String key : List.of("ops_plain", "ops_billing")) {
      HttpResponse<String> response = reload(key);

      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(Json.parse(response.body()).get("code").asText()).isEqualTo("SCOPE_MISSING");
    }
    assertThat(reload(null).statusCode()).isEqualTo(401);
  }

  @Test
  void shouldKeepTheTopicsWholeWhenTwoInstancesPublishAtOnce() throws Exception {
    // Topics of this test alone, so the endpoint scenario's counts stay its own.
    Topic<String, ReservedConfigChange> config = copy(BILLING_RESERVED_CONFIG, "concurrent");
    Topic<String, ReservedConfigChange> audit = copy(BILLING_RESERVED_CONFIG_AUDIT, "concurrent");
    broker.addTopics(topic(config), topic(audit));
    Path concurrent = Files.createTempFile("reserved-concurrent-", ".json");
    Files.writeString(concurrent, "{\"acme\": " + ACME + ", \"beta\": " + BETA + "}", UTF_8);
    List<ReservedConfigPublisher> instances =
        List.of(
            new ReservedConfigPublisher(
                broker.getBrokersAsString(),
                KafkaClientProperties.none(),
                Clock.systemUTC(),
                MACS.reservedConfig(),
                config,
                audit),
            new ReservedConfigPublisher(
                broker.getBrokersAsString(),
                KafkaClientProperties.none(),
                Clock.systemUTC(),
                MACS.reservedConfig(),
                config,
                audit));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<ReservedConfigPublisher.Outcome>> outcomes =
          pool.invokeAll(
              instances.stream()
                  .map(
                      p ->
                          (Callable<ReservedConfigPublisher.Outcome>)
                              () -> p.publish(concurrent, "admin:ops"))
                  .toList());
      for (Future<ReservedConfigPublisher.Outcome> outcome : outcomes) {
        assertThat(outcome.get()).isInstanceOf(ReservedConfigPublisher.Published.class);
      }
    } finally {
      pool.shutdown();
    }

    List<ReservedConfigChange> written = read(config);
    // Both diffed before either committed (2 + 2 records), or one after the other (2 + 0): each
    // publication is whole, on both topics, and every record carries the file's entry.
    assertThat(written.size()).isIn(2, 4);
    assertThat(written).containsExactlyInAnyOrderElementsOf(read(audit));
    assertThat(written)
        .allSatisfy(
            c -> {
              assertThat(c.action()).isEqualTo(ReservedConfigChange.SET);
              assertThat(c.version())
                  .isEqualTo(
                      sha256(Canonical.canonicalize(c.tenant().equals("acme") ? ACME : BETA)));
            });
    assertThat(written.stream().map(ReservedConfigChange::tenant).distinct())
        .containsExactlyInAnyOrder("acme", "beta");
    // A third publication of the same file finds everything in force and writes nothing.
    ReservedConfigPublisher.Outcome again = instances.get(0).publish(concurrent, "admin:ops");
    Files.deleteIfExists(concurrent);
    assertThat(((ReservedConfigPublisher.Published) again).summary().unchanged())
        .containsExactly("acme", "beta");
    assertThat(read(config)).hasSameSizeAs(written);
  }

  private static Topic<String, ReservedConfigChange> copy(
      Topic<String, ReservedConfigChange> topic, String suffix) {
    return new Topic<>(
        topic.name() + "." + suffix,
        topic.keySerde(),
        topic.valueSerde(),
        topic.compacted(),
        topic.keptForever());
  }

  private static JsonNode text(String value) {
    return Json.MAPPER.getNodeFactory().textNode(value);
  }

  private static ReservedConfigChange only(List<ReservedConfigChange> changes, String tenant) {
    return changes.stream().filter(c -> c.tenant().equals(tenant)).findFirst().orElseThrow();
  }

  private static String write(String json) {
    try {
      Files.writeString(file, json, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return json;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every committed record of the topic, partition by partition, in offset order. */
  private static List<ReservedConfigChange> read(Topic<String, ReservedConfigChange> topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ReservedConfigChange> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, topic.keySerde().deserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(topic.name(), p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        assertThat(System.nanoTime()).as("read %s to its end", topic.name()).isLessThan(deadline);
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (!MACS.reservedConfig().verify(r.headers(), r.value())) {
            continue; // a forged record of the test itself; Signet writes none
          }
          ReservedConfigChange change =
              topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
          assertThat(r.key()).isEqualTo(change.tenant());
          out.add(change);
        }
      }
    }
    return out;
  }

  private HttpResponse<String> reload(String apiKey) {
    return TestHttp.send(
        http,
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/admin/reload-reserved"))
            .POST(HttpRequest.BodyPublishers.noBody()),
        apiKey);
  }
}
