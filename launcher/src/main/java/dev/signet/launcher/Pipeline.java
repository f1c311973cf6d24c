package dev.signet.launcher;

import dev.signet.billing.BillingConfig;
import dev.signet.billing.BillingService;
import dev.signet.billing.ledger.LedgerConfig;
import dev.signet.core.admission.Admission;
import dev.signet.core.config.PostgresSettings;
import dev.signet.core.crypto.Base64Url;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.tenant.ApiKeysConfig;
import dev.signet.core.types.TypeRegistry;
import dev.signet.ingress.IngressApplication;
import dev.signet.processor.ExchangeProcessorService;
import dev.signet.processor.ProcessorConfig;
import dev.signet.shell.Service;
import dev.signet.shell.ServiceShell;
import dev.signet.shell.StreamsTuning;
import dev.signet.store.ReceiptSink;
import dev.signet.store.ReceiptStoreConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Every Signet service in one JVM, on infrastructure it is given: ingress (HTTP), the exchange
 * processor and billing aggregator (Kafka Streams) and the receipt store (Kafka → PostgreSQL). They
 * talk only through Kafka and PostgreSQL, exactly as separate deployments do; sharing the JVM only
 * shares the Prometheus registry behind {@code /metrics}.
 */
public final class Pipeline implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
  // One instance of each service per pipeline: static membership lets a restarted pipeline take
  // its partitions back at once instead of waiting out the crashed member's session.
  private static final String LOCAL_INSTANCE_ID = "local";

  private final StartedServices running;
  private final ConfigurableApplicationContext ingress;
  private final Service processor;
  private final ReceiptSink receiptSink;
  private final Service billing;
  private final int httpPort;

  private Pipeline(
      PipelineSettings settings, PrometheusMeterRegistry meters, StartedServices running) {
    this.running = running;
    // The store and billing accept only receipts MAC'd with the processor's secret and signed with
    // the pipeline's key (or a retired one).
    ServerSecret serverSecret = serverSecret(settings);
    Jwks publicKeys =
        Jwks.of(
            settings.signingKey().publicKey(),
            settings.retiredJwks() == null || settings.retiredJwks().isBlank()
                ? List.of()
                : Jwks.parse(settings.retiredJwks()).keys());
    // Consumers start first, ingress last, so the first accepted request already has a processor.
    this.receiptSink =
        running.add(
            new ReceiptSink(
                new ReceiptStoreConfig(
                    settings.kafkaBootstrap(),
                    ReceiptStoreConfig.DEFAULT_GROUP_ID,
                    settings.jdbcUrl(),
                    settings.jdbcUser(),
                    settings.jdbcPassword(),
                    ReceiptStoreConfig.DEFAULT_MAX_BATCH,
                    serverSecret,
                    publicKeys,
                    true,
                    settings.kafkaClient()),
                meters,
                LOCAL_INSTANCE_ID,
                cause ->
                    log.error(
                        "\n\n*** THE RECEIPT STORE STOPPED: receipts are no longer written to PostgreSQL. "
                            + "Restart Signet. ***\n",
                        cause)));
    receiptSink.start();

    BillingConfig billingDefaults =
        BillingConfig.defaults(settings.kafkaBootstrap(), serverSecret)
            .withKafkaClient(settings.kafkaClient());
    BillingService.publishReservedCapacity(billingDefaults, settings.reservedConfig());
    // Billing's ledger worker writes the finance tables beside the receipts; it pushes to Stripe
    // only when SP_STRIPE_API_KEY is set (SP_STRIPE_API_BASE for a stub).
    LedgerConfig ledger =
        LedgerConfig.defaults(
            settings.kafkaBootstrap(),
            settings.kafkaClient(),
            new PostgresSettings(settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword()),
            settings.billing().stripe());
    this.billing =
        running.add(
            BillingService.create(
                    new BillingConfig(
                        settings.kafkaBootstrap(),
                        billingDefaults.applicationId(),
                        settings.stateDir().resolve("billing"),
                        billingDefaults.commitInterval(),
                        settings.billing().grace(),
                        1,
                        serverSecret,
                        settings.billing().chargeInterval(),
                        apiKeys(settings),
                        settings.kafkaClient()),
                    ledger,
                    streamsTuning(settings),
                    meters)
                .start());

    this.processor =
        running.add(
            ExchangeProcessorService.create(
                new ProcessorConfig(
                    settings.kafkaBootstrap(),
                    ProcessorConfig.DEFAULT_APPLICATION_ID,
                    settings.stateDir().resolve("processor"),
                    settings.commitInterval(),
                    settings.streamThreads(),
                    (short) 1,
                    apiKeys(settings),
                    settings.signingKey(),
                    serverSecret,
                    Admission.Limits.defaults(),
                    Duration.ofHours(24),
                    LOCAL_INSTANCE_ID,
                    TypeRegistry.load(Optional.ofNullable(settings.schemaDir())),
                    settings.model(),
                    settings.egress(),
                    settings.kafkaClient()),
                streamsTuning(settings),
                meters));
    processor.start();
    awaitRunning(processor, "exchange processor");

    // Ingress's /metrics serves the one registry every service here reports to.
    // Highest precedence: these must win over application.yml's environment-based defaults.
    MapPropertySource localProperties =
        new MapPropertySource("signet-pipeline", ingressProperties(settings));
    this.ingress =
        running.add(
            new SpringApplicationBuilder(IngressApplication.class)
                .initializers(
                    context -> {
                      context.getEnvironment().getPropertySources().addFirst(localProperties);
                      context.getBeanFactory().registerSingleton("prometheusMeterRegistry", meters);
                      // Ingress's Kafka clients use the pipeline's settings, not its own reading.
                      context
                          .getBeanFactory()
                          .registerSingleton("kafkaClientProperties", settings.kafkaClient());
                      context
                          .getBeanFactory()
                          .registerSingleton("prometheusRegistry", meters.getPrometheusRegistry());
                    })
                .run());
    this.httpPort =
        Integer.parseInt(
            ingress
                .getEnvironment()
                .getProperty("local.server.port", Integer.toString(settings.httpPort())));
  }

  /** Starts every service; on failure, stops what had started and rethrows. */
  public static Pipeline start(PipelineSettings settings) {
    PrometheusMeterRegistry meters = ServiceShell.prometheusRegistry();
    StartedServices running = new StartedServices();
    try {
      return new Pipeline(settings, meters, running);
    } catch (RuntimeException e) {
      running.close();
      throw e;
    }
  }

  /**
   * Streams' defaults but for RocksDB's memory; the processor gives itself its instance id, billing
   * stays a dynamic member (one instance, nothing to hand back).
   */
  private static StreamsTuning streamsTuning(PipelineSettings settings) {
    return StreamsTuning.defaults().withRocksDbMemoryMb(settings.rocksDbMemoryMb());
  }

  /**
   * {@code SP_SERVER_SECRET} if set, else derived from the signing key: the rule every service
   * applies (ingress too, from the same text), so the processor's MACs verify in the store and
   * billing, and ingress derives the trace ids the processor derives.
   */
  private static ServerSecret serverSecret(PipelineSettings settings) {
    return ServerSecret.configured(settings.serverSecret(), settings.signingKey());
  }

  private static Map<String, Object> ingressProperties(PipelineSettings settings) {
    Map<String, Object> props = new HashMap<>();
    props.put("server.port", settings.httpPort());
    props.put("signet.kafka-bootstrap", settings.kafkaBootstrap());
    props.put("signet.postgres-url", settings.jdbcUrl());
    props.put("signet.postgres-user", settings.jdbcUser());
    props.put("signet.postgres-password", settings.jdbcPassword());
    if (settings.apiKeysFile() != null) {
      props.put("signet.api-keys", "");
      props.put("signet.api-keys-file", settings.apiKeysFile().toString());
      props.put(
          "signet.api-keys-reload-interval", settings.apiKeysReloadInterval().toMillis() + "ms");
    } else {
      props.put("signet.api-keys", settings.apiKeysJson());
    }
    props.put("signet.private-key", Base64Url.encode(settings.signingKey().seed()));
    props.put("signet.kid", settings.signingKey().kid());
    props.put(
        "signet.server-secret", settings.serverSecret() == null ? "" : settings.serverSecret());
    props.put("signet.retired-jwks", settings.retiredJwks() == null ? "" : settings.retiredJwks());
    props.put(
        "signet.schema-dir", settings.schemaDir() == null ? "" : settings.schemaDir().toString());
    props.put(
        "signet.reserved-config",
        settings.reservedConfig() == null ? "" : settings.reservedConfig().toString());
    return props;
  }

  private static void awaitRunning(Service readiness, String service) {
    try {
      if (!readiness.awaitRunning(STARTUP_TIMEOUT)) {
        throw new IllegalStateException(
            service + " did not reach RUNNING within " + STARTUP_TIMEOUT.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the " + service, e);
    }
  }

  public int httpPort() {
    return httpPort;
  }

  public long storedReceipts() {
    return receiptSink.storedCount();
  }

  /**
   * The receipt store's sink, for health checks ({@link ReceiptSink#isRunning()}, {@link
   * ReceiptSink#lag()}).
   */
  public ReceiptSink receiptSink() {
    return receiptSink;
  }

  /**
   * Stops in reverse order of start: ingress takes no new requests first, the store drains last.
   */
  @Override
  public void close() {
    running.close();
  }

  /** The keys of {@code SP_API_KEYS}, or of the file the processor and billing re-read too. */
  private static ApiKeysConfig apiKeys(PipelineSettings settings) {
    return new ApiKeysConfig(
        ApiKeys.parse(settings.apiKeysJson()),
        settings.apiKeysFile(),
        settings.apiKeysReloadInterval());
  }
}
