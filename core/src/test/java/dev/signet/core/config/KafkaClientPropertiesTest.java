package dev.signet.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KafkaClientPropertiesTest {

  @TempDir Path dir;

  @Test
  void shouldBeEmptyWhenNothingIsConfigured() {
    assertThat(KafkaClientProperties.fromEnvironment(Env.of(Map.of())).settings()).isEmpty();
  }

  @Test
  void shouldReadSecuritySettingsFromThePropertiesFile() throws IOException {
    Path file = dir.resolve("kafka.properties");
    Files.writeString(
        file,
        """
        security.protocol=SSL
        ssl.truststore.location=/etc/kafka/ca.p12
        ssl.keystore.location=/etc/kafka/ingress.p12
        ssl.keystore.password=changeit
        """);

    KafkaClientProperties props =
        KafkaClientProperties.fromEnvironment(
            Env.of(Map.of("SP_KAFKA_PROPERTIES", file.toString())));

    assertThat(props.settings())
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.keystore.location", "/etc/kafka/ingress.p12")
        .containsEntry("ssl.keystore.password", "changeit");
  }

  @Test
  void shouldBuildTheScramJaasLineFromTheShortcuts() {
    KafkaClientProperties props =
        KafkaClientProperties.fromEnvironment(
            Env.of(
                Map.of(
                    "SP_KAFKA_SECURITY_PROTOCOL", "sasl_ssl",
                    "SP_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                    "SP_KAFKA_SASL_USERNAME", "signet-ingress",
                    "SP_KAFKA_SASL_PASSWORD", "pa\"ss\\word")));

    assertThat(props.settings())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"signet-ingress\" password=\"pa\\\"ss\\\\word\";");
  }

  @Test
  void shouldBuildThePlainJaasLineFromTheShortcuts() {
    KafkaClientProperties props =
        KafkaClientProperties.fromEnvironment(
            Env.of(
                Map.of(
                    "SP_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                    "SP_KAFKA_SASL_MECHANISM", "PLAIN",
                    "SP_KAFKA_SASL_USERNAME", "billing",
                    "SP_KAFKA_SASL_PASSWORD", "s3cret")));

    assertThat(props.settings().get("sasl.jaas.config"))
        .startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required");
  }

  @Test
  void shouldLetTheShortcutsWinOverTheFile() throws IOException {
    Path file = dir.resolve("kafka.properties");
    Files.writeString(file, "security.protocol=SSL\nsasl.mechanism=PLAIN\n");

    KafkaClientProperties props =
        KafkaClientProperties.fromEnvironment(
            Env.of(
                Map.of(
                    "SP_KAFKA_PROPERTIES",
                    file.toString(),
                    "SP_KAFKA_SECURITY_PROTOCOL",
                    "SASL_SSL")));

    assertThat(props.settings())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "isolation.level",
        "enable.idempotence",
        "transactional.id",
        "processing.guarantee",
        "bootstrap.servers",
        "group.id",
        "acks",
        "producer.transactional.id",
        "consumer.isolation.level"
      })
  void shouldRefuseASettingThatIsNotSecurityOrConnection(String key) throws IOException {
    Path file = dir.resolve("kafka.properties");
    Files.writeString(file, "security.protocol=SSL\n" + key + "=x\n");
    Env env = Env.of(Map.of("SP_KAFKA_PROPERTIES", file.toString()));

    assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[" + key + "]")
        .hasMessageContaining("refused");
  }

  @Test
  void shouldRefuseAnUnknownSecurityProtocol() {
    Env env = Env.of(Map.of("SP_KAFKA_SECURITY_PROTOCOL", "TLS"));

    assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(env))
        .hasMessageContaining("security.protocol must be one of");
  }

  @Test
  void shouldRefuseAUsernameWithoutAPassword() {
    Env env =
        Env.of(
            Map.of(
                "SP_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SP_KAFKA_SASL_MECHANISM", "PLAIN",
                "SP_KAFKA_SASL_USERNAME", "ingress"));

    assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(env))
        .hasMessageContaining("must be set together");
  }

  @Test
  void shouldRefuseCredentialsForAMechanismWithoutAKnownLoginModule() {
    Env env =
        Env.of(
            Map.of(
                "SP_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SP_KAFKA_SASL_MECHANISM", "OAUTHBEARER",
                "SP_KAFKA_SASL_USERNAME", "ingress",
                "SP_KAFKA_SASL_PASSWORD", "x"));

    assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(env))
        .hasMessageContaining("SCRAM-SHA-256");
  }

  @Test
  void shouldRefuseCredentialsOverANonSaslProtocol() {
    Env env =
        Env.of(
            Map.of(
                "SP_KAFKA_SECURITY_PROTOCOL", "SSL",
                "SP_KAFKA_SASL_MECHANISM", "PLAIN",
                "SP_KAFKA_SASL_USERNAME", "ingress",
                "SP_KAFKA_SASL_PASSWORD", "x"));

    assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(env))
        .hasMessageContaining("must be SASL_SSL");
  }

  @Test
  void shouldFailClearlyWhenThePropertiesFileIsMissing() {
    Env env = Env.of(Map.of("SP_KAFKA_PROPERTIES", dir.resolve("absent").toString()));

    assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(env))
        .hasMessageContaining("SP_KAFKA_PROPERTIES");
  }

  @Test
  void shouldMaskSecretsWhenPrinted() {
    KafkaClientProperties props =
        KafkaClientProperties.of(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.jaas.config", "x required username=\"u\" password=\"hunter2\";",
                "ssl.truststore.password", "trustpass",
                "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----"));

    assertThat(props.toString())
        .contains("security.protocol=SASL_SSL")
        .contains("sasl.jaas.config=****")
        .doesNotContain("hunter2")
        .doesNotContain("trustpass")
        .doesNotContain("BEGIN PRIVATE KEY");
  }

  @Test
  void shouldAddItsSettingsBesideTheServicesOwn() {
    KafkaClientProperties props = KafkaClientProperties.of(Map.of("security.protocol", "SSL"));

    Map<String, Object> config =
        props.clientConfig("broker:9093", Map.of("isolation.level", "read_committed"));
    Properties streams = props.applyTo(new Properties());

    assertThat(config)
        .containsEntry("bootstrap.servers", "broker:9093")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("security.protocol", "SSL");
    assertThat(streams).containsEntry("security.protocol", "SSL");
  }
}
