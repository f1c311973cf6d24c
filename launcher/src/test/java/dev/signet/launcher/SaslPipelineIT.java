package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.launcher.local.LocalKafka;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline against a broker whose client listener is SASL_PLAINTEXT with SCRAM-SHA-256:
 * local mode is given that listener only ({@code SP_KAFKA_BOOTSTRAP}) and credentials through the
 * {@code SP_KAFKA_*} shortcuts, so every service's Kafka client (topic creation, ingress, the
 * processor's Streams and workers, billing, the receipt store) must authenticate for an exchange to
 * come back with a stored, verifiable receipt. The tenants come from {@code SP_API_KEYS_FILE}.
 * Clients without valid credentials are refused, which shows the listener really enforces
 * authentication.
 *
 * <p>The broker also has a PLAINTEXT listener, used between brokers and by this test alone to
 * create the SCRAM credential (a KRaft cluster has no other way to get its first SCRAM user); the
 * pipeline never learns its address.
 */
class SaslPipelineIT {

  private static final String USER = "signet-pipeline";
  private static final String PASSWORD = "pipeline-secret \"quoted\"";
  private static final String TRACE = "sasl-trace-1";

  private static LocalKafka broker;
  private static LocalMode local;
  private static String saslBootstrap;

  @BeforeAll
  static void start() throws Exception {
    Path dataDir = Files.createTempDirectory("signet-sasl-it");
    int saslPort = PipelineIT.freePort();
    int internalPort = PipelineIT.freePort();
    int controllerPort = PipelineIT.freePort();
    saslBootstrap = "127.0.0.1:" + saslPort;
    String internalBootstrap = "127.0.0.1:" + internalPort;
    broker =
        new LocalKafka(
            dataDir.resolve("kafka"),
            internalPort,
            controllerPort,
            Map.of(
                "listeners",
                "SASL://"
                    + saslBootstrap
                    + ",PLAINTEXT://"
                    + internalBootstrap
                    + ",CONTROLLER://127.0.0.1:"
                    + controllerPort,
                "advertised.listeners",
                "SASL://" + saslBootstrap + ",PLAINTEXT://" + internalBootstrap,
                "listener.security.protocol.map",
                "SASL:SASL_PLAINTEXT,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "sasl.enabled.mechanisms",
                "SCRAM-SHA-256",
                "listener.name.sasl.scram-sha-256.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"));
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, internalBootstrap))) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), PASSWORD)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    // The credential reaches the broker through the metadata log: wait until it authenticates.
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> clusterIdOver(saslClient(USER, PASSWORD)) != null);

    Map<String, String> env = LocalModeITs.env(dataDir);
    env.put("SP_KAFKA_BOOTSTRAP", saslBootstrap);
    env.put("SP_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
    env.put("SP_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256");
    env.put("SP_KAFKA_SASL_USERNAME", USER);
    env.put("SP_KAFKA_SASL_PASSWORD", PASSWORD);
    // The tenants from a file, as production would mount them: ingress reloads it, the other
    // services read it at start.
    Path keys = Files.writeString(dataDir.resolve("api-keys.json"), LocalMode.DEMO_API_KEYS);
    env.put("SP_API_KEYS_FILE", keys.toString());
    local = LocalMode.start(env);
    PipelineIT.useLocal(local);
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldIssueAndStoreAVerifiableReceiptWithEveryClientAuthenticated() throws Exception {
    HttpResponse<String> response =
        PipelineIT.post("/v1/exchange", PipelineIT.invoice(TRACE, "42.00"), "sasl-1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.parse(response.body()).at("/receipt/hop").asInt()).isEqualTo(1);
    List<JsonNode> chain = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              HttpResponse<String> stored = PipelineIT.get("/v1/receipts/chain/" + TRACE);
              chain.clear();
              if (stored.statusCode() == 200) {
                Json.parse(stored.body()).get("chain").forEach(chain::add);
              }
              return chain.size() == 1;
            });
    assertThat(ReceiptVerifier.withKeys(PipelineIT.liveJwks()).verifyChain(chain).valid()).isTrue();
  }

  @Test
  void shouldRefuseAClientWithAWrongPassword() {
    assertThatThrownBy(() -> clusterIdOver(saslClient(USER, "not-the-password")))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void shouldRefuseAnUnknownUser() {
    assertThatThrownBy(() -> clusterIdOver(saslClient("intruder", PASSWORD)))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void shouldGiveAClientWithoutCredentialsNothing() {
    Map<String, Object> plaintext = new HashMap<>();
    plaintext.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, saslBootstrap);
    plaintext.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    plaintext.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);

    // The SASL listener closes a connection that skips the handshake: no metadata, ever.
    assertThatThrownBy(() -> clusterIdOver(plaintext)).isInstanceOf(ExecutionException.class);
  }

  private static Map<String, Object> saslClient(String user, String password) {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, saslBootstrap);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put("security.protocol", "SASL_PLAINTEXT");
    config.put("sasl.mechanism", "SCRAM-SHA-256");
    config.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + password.replace("\"", "\\\"")
            + "\";");
    return config;
  }

  private static String clusterIdOver(Map<String, Object> config) throws Exception {
    try (Admin admin = Admin.create(config)) {
      return admin.describeCluster().clusterId().get(15, TimeUnit.SECONDS);
    }
  }
}
