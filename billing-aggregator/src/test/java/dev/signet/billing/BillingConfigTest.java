package dev.signet.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.crypto.Base64Url;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.junit.jupiter.api.Test;

class BillingConfigTest {

  private static final SigningKey KEY = SigningKey.generate("signet-1");
  private static final Map<String, String> KEYED =
      Map.of("SP_PRIVATE_KEY_B64", Base64Url.encode(KEY.seed()));

  @Test
  void shouldDefaultToLocalBrokerWhenEnvironmentIsEmpty() {
    BillingConfig config = BillingConfig.fromEnvironment(KEYED);

    assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(config.applicationId()).isEqualTo("signet-billing-aggregator");
    assertThat(config.grace()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.replicationFactor()).isEqualTo(1);
  }

  @Test
  void shouldReadBootstrapStateDirAndReplicationFromEnvironment() {
    BillingConfig config =
        BillingConfig.fromEnvironment(
            with(
                KEYED,
                "SP_KAFKA_BOOTSTRAP",
                "kafka-1:9092,kafka-2:9092",
                "SP_STATE_DIR",
                "/var/lib/signet",
                "SP_KAFKA_REPLICATION_FACTOR",
                "3"));

    assertThat(config.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/signet"));
    assertThat(config.replicationFactor()).isEqualTo(3);
    assertThat(config.streamsProperties())
        .containsEntry(StreamsConfig.topicPrefix("min.insync.replicas"), 2);
  }

  @Test
  void shouldReadTheReplicationFactorUnderTheProcessorsName() {
    BillingConfig config =
        BillingConfig.fromEnvironment(
            with(KEYED, "SP_REPLICATION_FACTOR", "3", "SP_KAFKA_REPLICATION_FACTOR", "2"));

    assertThat(config.replicationFactor()).isEqualTo(3);
  }

  @Test
  void shouldRejectAReplicationFactorThatIsNotANumber() {
    assertThatThrownBy(
            () ->
                BillingConfig.fromEnvironment(with(KEYED, "SP_KAFKA_REPLICATION_FACTOR", "three")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_KAFKA_REPLICATION_FACTOR");
  }

  @Test
  void shouldReadTheGraceInSeconds() {
    BillingConfig config = BillingConfig.fromEnvironment(with(KEYED, "SP_BILLING_GRACE", "90"));

    assertThat(config.grace()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void shouldRejectAGraceThatIsNotANonNegativeNumberNamingTheVariable() {
    for (String bad : new String[] {"ten", "-1", "1.5"}) {
      assertThatThrownBy(() -> BillingConfig.fromEnvironment(with(KEYED, "SP_BILLING_GRACE", bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("SP_BILLING_GRACE");
    }
  }

  @Test
  void shouldRejectAGraceLongerThanSevenDays() {
    assertThatThrownBy(
            () -> BillingConfig.fromEnvironment(with(KEYED, "SP_BILLING_GRACE", "604801")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_BILLING_GRACE")
        .hasMessageContaining("604800");
  }

  @Test
  void shouldRunExactlyOnceUncompressedWithShortLingerAndSkipPoisonRecords() {
    Properties props =
        BillingConfig.defaults("127.0.0.1:9092", ServerSecret.derivedFrom(KEY)).streamsProperties();

    assertThat(props)
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1)
        .containsEntry(StreamsConfig.producerPrefix("compression.type"), "none")
        .containsEntry(StreamsConfig.producerPrefix("linger.ms"), 5)
        .containsEntry(
            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            LogAndContinueExceptionHandler.class);
    // The properties must be accepted by Kafka Streams as they are.
    assertThat(new StreamsConfig(props).getString(StreamsConfig.APPLICATION_ID_CONFIG))
        .isEqualTo("signet-billing-aggregator");
  }

  @Test
  void shouldDeriveTheServerSecretFromTheSigningKeyAsTheProcessorDoes() {
    byte[] value = "{}".getBytes(StandardCharsets.UTF_8);
    String processorMac = new ReceiptMac(ServerSecret.derivedFrom(KEY)).sign(value);

    BillingConfig config = BillingConfig.fromEnvironment(KEYED);

    assertThat(new ReceiptMac(config.serverSecret()).verify(value, processorMac)).isTrue();
  }

  @Test
  void shouldPreferAnExplicitServerSecret() {
    String secret = Base64Url.encode(new byte[32]);
    byte[] value = "{}".getBytes(StandardCharsets.UTF_8);

    BillingConfig config = BillingConfig.fromEnvironment(with(KEYED, "SP_SERVER_SECRET", secret));

    assertThat(
            new ReceiptMac(config.serverSecret())
                .verify(value, new ReceiptMac(ServerSecret.parse(secret)).sign(value)))
        .isTrue();
    assertThat(config.toString()).doesNotContain(secret);
  }

  @Test
  void shouldRefuseToStartWithoutAServerSecretOrAKeyToDeriveItFrom() {
    assertThatThrownBy(() -> BillingConfig.fromEnvironment(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_SERVER_SECRET");
  }

  @Test
  void shouldChargeEveryMinuteByDefaultAndReadTheIntervalInSeconds() {
    assertThat(BillingConfig.fromEnvironment(KEYED).chargeInterval())
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(
            BillingConfig.fromEnvironment(with(KEYED, "SP_BILLING_CHARGE_INTERVAL", "15"))
                .chargeInterval())
        .isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void shouldRefuseAChargeIntervalOfZero() {
    assertThatThrownBy(
            () -> BillingConfig.fromEnvironment(with(KEYED, "SP_BILLING_CHARGE_INTERVAL", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_BILLING_CHARGE_INTERVAL");
  }

  @Test
  void shouldReadTheTenantsStripeNamesFromTheApiKeys() {
    BillingConfig config =
        BillingConfig.fromEnvironment(
            with(
                KEYED,
                "SP_API_KEYS",
                "{\"k\": {\"tenant\": \"acme\", \"stripe_customer\": \"cus_1\"}}"));

    assertThat(new StripeNames(config.apiKeys()::atStart).customer("acme")).isEqualTo("cus_1");
    assertThat(config.toString()).doesNotContain("\"k\"");
  }

  private static Map<String, String> with(Map<String, String> base, String... pairs) {
    Map<String, String> env = new HashMap<>(base);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void shouldGiveEveryStreamsClientTheKafkaSecuritySettingsAndNeverPrintThePassword() {
    BillingConfig config =
        BillingConfig.fromEnvironment(
            with(
                KEYED,
                "SP_KAFKA_SECURITY_PROTOCOL",
                "SASL_SSL",
                "SP_KAFKA_SASL_MECHANISM",
                "SCRAM-SHA-512",
                "SP_KAFKA_SASL_USERNAME",
                "svc",
                "SP_KAFKA_SASL_PASSWORD",
                "hunter2"));

    assertThat(config.streamsProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("processing.guarantee", "exactly_once_v2");
    assertThat(config.toString()).doesNotContain("hunter2");
  }
}
