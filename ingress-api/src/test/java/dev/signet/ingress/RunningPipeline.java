package dev.signet.ingress;

import dev.signet.billing.stripe.PushLedger;
import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.KeyParser;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.tenant.ApiKeysConfig;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.TopicConfigs;
import dev.signet.core.topic.Topics;
import dev.signet.processor.ExchangeProcessorService;
import dev.signet.processor.ProcessorConfig;
import dev.signet.shell.Service;
import dev.signet.store.ReceiptSink;
import dev.signet.store.ReceiptStoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What a running ingress stands in front of, for ITs that need the pipeline's real answers: an
 * in-process KRaft broker with every Signet topic, PostgreSQL with the receipt store's and
 * billing's schemas, the exchange processor (committing every 20 ms) and the receipt sink, all with
 * the same keys and secret as the ingress under test. Started once per test JVM (the ITs that use
 * it share one), stopped when the JVM exits.
 */
public final class RunningPipeline {

  /** 32 zero bytes, base64url: a valid Ed25519 seed for tests. */
  public static final String SEED = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  public static final String KID = "it-1";
  public static final String SERVER_SECRET = "aXQtc2VydmVyLXNlY3JldC1vZi1hdC1sZWFzdC0zMi1ieXRlcyE=";

  /**
   * Tenants {@code acme} and {@code beta} with keys of every kind, and {@code gamma}, which never
   * has any data, and {@code fuzz}, the fuzz test's.
   */
  public static final String API_KEYS =
      "{\"acme_key\":{\"tenant\":\"acme\"},"
          + "\"acme_admin\":{\"tenant\":\"acme\",\"scopes\":[\"admin\"]},"
          + "\"beta_key\":{\"tenant\":\"beta\"},"
          + "\"beta_admin\":{\"tenant\":\"beta\",\"scopes\":[\"admin\"]},"
          + "\"gamma_key\":{\"tenant\":\"gamma\"},"
          + "\"fuzz_key\":{\"tenant\":\"fuzz\"}}";

  private static RunningPipeline running;

  private final EmbeddedKafkaKraftBroker broker;
  private final EmbeddedPostgres postgres;
  private final Service processor;
  private final ReceiptSink sink;

  private RunningPipeline() throws IOException {
    SigningKey key = KeyParser.parse(KID, SEED);
    ServerSecret secret = ServerSecret.parse(SERVER_SECRET);
    broker =
        new EmbeddedKafkaKraftBroker(
            1, 2, Topics.all().stream().map(Topic::name).toArray(String[]::new));
    broker.brokerProperties(
        Map.of(
            "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
    broker.afterPropertiesSet();
    TopicConfigs.apply(broker.getBrokersAsString());
    postgres = EmbeddedPostgres.start();
    processor =
        ExchangeProcessorService.create(
            new ProcessorConfig(
                broker.getBrokersAsString(),
                "ingress-it-processor",
                Files.createTempDirectory("ingress-it-processor"),
                Duration.ofMillis(20),
                1,
                (short) 1,
                ApiKeysConfig.fixed(ApiKeys.parse(API_KEYS)),
                key,
                secret,
                Admission.Limits.defaults(),
                Duration.ofHours(24),
                null),
            new SimpleMeterRegistry());
    processor.start();
    sink =
        new ReceiptSink(
            new ReceiptStoreConfig(
                broker.getBrokersAsString(),
                "ingress-it-store",
                jdbcUrl(),
                "postgres",
                "",
                ReceiptStoreConfig.DEFAULT_MAX_BATCH,
                secret,
                Jwks.of(key.publicKey(), List.of()),
                true),
            new SimpleMeterRegistry());
    sink.start();
    try {
      if (!processor.awaitRunning(Duration.ofSeconds(90))
          || !sink.awaitRunning(Duration.ofSeconds(90))) {
        throw new IllegalStateException("the processor or the receipt sink did not start");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    // The receipt store migrates an empty database first, billing's tables come after (as in
    // local mode).
    PushLedger.migrate(postgres.getPostgresDatabase());
  }

  /** The pipeline, started on first use. */
  public static synchronized RunningPipeline get() {
    if (running == null) {
      try {
        running = new RunningPipeline();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "running-pipeline-stop"));
    }
    return running;
  }

  /** A valid exchange body: an invoice tool call, on {@code traceId} or a derived trace. */
  public static String invoice(String traceId, String amount) {
    String arguments =
        "{\"invoice_id\":\"INV-7\",\"amount\":"
            + amount
            + ",\"currency\":\"USD\",\"customer_name\":\"ACME\",\"description\":\"API usage\"}";
    return "{\"payload_type\":\"openai.tooluse.invoice.v1\",\"target_type\":\"invoice.iso20022.v1\","
        + (traceId == null ? "" : "\"trace_id\":\"" + traceId + "\",")
        + "\"payload\":{\"tool_calls\":[{\"type\":\"function\",\"function\":"
        + "{\"name\":\"create_invoice\",\"arguments\":"
        + Json.toText(arguments)
        + "}}]}}";
  }

  /** Points an ingress under test at this pipeline. */
  public void register(DynamicPropertyRegistry registry) {
    registry.add("signet.kafka-bootstrap", broker::getBrokersAsString);
    registry.add("signet.postgres-url", this::jdbcUrl);
    registry.add("signet.postgres-user", () -> "postgres");
    registry.add("signet.postgres-password", () -> "");
    registry.add("signet.api-keys", () -> API_KEYS);
    registry.add("signet.private-key", () -> SEED);
    registry.add("signet.kid", () -> KID);
    registry.add("signet.server-secret", () -> SERVER_SECRET);
  }

  /** Rows are written here as billing's ledger would write them. */
  public DataSource database() {
    return postgres.getPostgresDatabase();
  }

  private String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  private void stop() {
    sink.close();
    processor.close();
    broker.destroy();
    try {
      postgres.close();
    } catch (IOException e) {
      // The JVM is exiting; the temporary data directory goes with it.
    }
  }
}
