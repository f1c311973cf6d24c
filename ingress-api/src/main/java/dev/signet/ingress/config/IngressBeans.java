package dev.signet.ingress.config;

import dev.signet.core.admission.Admission;
import dev.signet.core.billing.reserved.ReservedConfigPublisher;
import dev.signet.core.config.Env;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.KeyParser;
import dev.signet.core.crypto.PublicKey;
import dev.signet.core.crypto.ResultMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.metrics.MeterRegistrationFailures;
import dev.signet.core.tenant.ApiKeyTable;
import dev.signet.core.tenant.ApiKeysConfig;
import dev.signet.core.trace.TraceIds;
import dev.signet.core.types.TypeRegistry;
import dev.signet.ingress.billing.BillingQueries;
import dev.signet.ingress.exchange.ExchangeGateway;
import dev.signet.store.query.QueryPool;
import dev.signet.store.query.ReceiptQueries;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires the framework-free pieces from {@link IngressProperties}. */
@Configuration(proxyBeanMethods = false)
class IngressBeans {

  private static final List<String> KAFKA_CLIENT_VARIABLES =
      List.of(
          KafkaClientProperties.ENV_FILE,
          KafkaClientProperties.ENV_SECURITY_PROTOCOL,
          KafkaClientProperties.ENV_SASL_MECHANISM,
          KafkaClientProperties.ENV_SASL_USERNAME,
          KafkaClientProperties.ENV_SASL_PASSWORD);

  /** A meter Prometheus refuses (a clashing name) is counted, not only logged. */
  @Bean
  MeterRegistryCustomizer<PrometheusMeterRegistry> countRefusedMeters() {
    return MeterRegistrationFailures::watch;
  }

  /**
   * {@code SP_API_KEYS_FILE}, re-read every {@code SP_API_KEYS_RELOAD_INTERVAL}, or the fixed
   * {@code SP_API_KEYS}; both set is refused, as every service refuses it. The re-reading stops
   * with the context: Spring infers the table's close().
   */
  @Bean
  ApiKeyTable apiKeys(IngressProperties properties, MeterRegistry meters) {
    return ApiKeysConfig.of(
            properties.apiKeys(),
            properties.apiKeysPath().orElse(null),
            properties.apiKeysReloadInterval())
        .open(meters, "ingress");
  }

  @Bean
  SigningKey signingKey(IngressProperties properties) {
    return KeyParser.parse(properties.kid(), properties.privateKey());
  }

  @Bean
  Admission admission(IngressProperties properties) {
    return new Admission(
        new Admission.Limits(properties.maxBodyBytes(), properties.maxJsonDepth()));
  }

  /** The processor's server secret: SP_SERVER_SECRET, or derived from the signing key. */
  @Bean
  ServerSecret serverSecret(IngressProperties properties, SigningKey signingKey) {
    return ServerSecret.configured(properties.serverSecret(), signingKey);
  }

  /** The same schemas and mappings as the processor (same files, same SP_SCHEMA_DIR). */
  @Bean
  TypeRegistry typeRegistry(IngressProperties properties) {
    return TypeRegistry.load(properties.schemaDirectory());
  }

  @Bean
  TraceIds traceIds(ServerSecret serverSecret) {
    return new TraceIds(serverSecret);
  }

  @Bean
  Jwks jwks(SigningKey signingKey, IngressProperties properties) {
    List<PublicKey> retired =
        properties.retiredJwks() == null || properties.retiredJwks().isBlank()
            ? List.of()
            : Jwks.parse(properties.retiredJwks()).keys();
    return Jwks.of(signingKey.publicKey(), retired);
  }

  /** Read-only and never migrating: only the receipt store creates and changes its schema. */
  @Bean(destroyMethod = "close")
  DataSource receiptDataSource(IngressProperties properties) {
    return QueryPool.open(
        properties.postgresUrl(), properties.postgresUser(), properties.postgresPassword());
  }

  @Bean
  ReceiptQueries receiptQueries(DataSource receiptDataSource) {
    return new ReceiptQueries(receiptDataSource);
  }

  /**
   * The security settings of every Kafka client of ingress, read by the one reader every service
   * uses from the {@code SP_KAFKA_*} names as Spring resolves them (environment, system properties,
   * test properties). Local mode, running ingress in its own JVM, registers its own.
   */
  @Bean
  @ConditionalOnMissingBean
  KafkaClientProperties kafkaClientProperties(Environment environment) {
    Map<String, String> variables = new HashMap<>();
    for (String name : KAFKA_CLIENT_VARIABLES) {
      String value = environment.getProperty(name);
      if (value != null) {
        variables.put(name, value);
      }
    }
    return KafkaClientProperties.fromEnvironment(Env.of(variables));
  }

  /** Opens its Kafka clients per publication only: reloads are rare. */
  @Bean
  ReservedConfigPublisher reservedConfigPublisher(
      IngressProperties properties, KafkaClientProperties kafkaClient, ServerSecret serverSecret) {
    return new ReservedConfigPublisher(
        properties.kafkaBootstrap(),
        kafkaClient,
        Clock.systemUTC(),
        BillingMacs.of(serverSecret).reservedConfig());
  }

  /** The finance views' "now": current month, elapsed time of the projection, {@code as_of}. */
  @Bean
  Clock billingClock() {
    return Clock.systemUTC();
  }

  @Bean
  BillingQueries billingQueries(DataSource receiptDataSource) {
    return new BillingQueries(receiptDataSource);
  }

  @Bean(destroyMethod = "close")
  ExchangeGateway exchangeGateway(
      IngressProperties properties,
      KafkaClientProperties kafkaClient,
      ServerSecret serverSecret,
      MeterRegistry meters) {
    return new ExchangeGateway(
            properties.kafkaBootstrap(),
            kafkaClient,
            properties.replyTimeout(),
            ResultMac.of(serverSecret),
            meters)
        .start();
  }
}
