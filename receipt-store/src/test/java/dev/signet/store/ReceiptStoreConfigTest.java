package dev.signet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.crypto.Base64Url;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.PublicKey;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiptStoreConfigTest {

  private static final SigningKey KEY = SigningKey.generate("signet-7");
  private static final String SEED = Base64Url.encode(KEY.seed());
  private static final String SECRET = Base64Url.encode(new byte[32]);

  /**
   * The least a store needs besides defaults: the signing key, from which secret and public key
   * follow.
   */
  private static final Map<String, String> KEYED =
      Map.of("SP_PRIVATE_KEY_B64", SEED, "SP_KID", "signet-7");

  @Test
  void shouldUseLocalDefaultsWhenOnlyTheKeyIsSet() {
    ReceiptStoreConfig config = ReceiptStoreConfig.fromEnvironment(KEYED);

    assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(config.groupId()).isEqualTo("signet-receipt-store");
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/signet");
    assertThat(config.jdbcUser()).isNull();
    assertThat(config.maxBatch()).isEqualTo(1000);
    assertThat(config.verifySignatures()).isTrue();
  }

  @Test
  void shouldDeriveTheServerSecretFromTheSigningKeyAsTheProcessorDoes() {
    ReceiptStoreConfig config = ReceiptStoreConfig.fromEnvironment(KEYED);
    byte[] value = "{}".getBytes(StandardCharsets.UTF_8);

    assertThat(
            new ReceiptMac(config.serverSecret())
                .verify(value, new ReceiptMac(ServerSecret.derivedFrom(KEY)).sign(value)))
        .isTrue();
    assertThat(config.jwks().keys()).containsExactly(KEY.publicKey());
  }

  @Test
  void shouldPreferAnExplicitServerSecret() {
    ReceiptStoreConfig config =
        ReceiptStoreConfig.fromEnvironment(with(KEYED, "SP_SERVER_SECRET", SECRET));
    byte[] value = "{}".getBytes(StandardCharsets.UTF_8);

    assertThat(
            new ReceiptMac(config.serverSecret())
                .verify(value, new ReceiptMac(ServerSecret.parse(SECRET)).sign(value)))
        .isTrue();
  }

  @Test
  void shouldFailNamingTheServerSecretWhenThereIsNeitherSecretNorKey() {
    assertThatThrownBy(() -> ReceiptStoreConfig.fromEnvironment(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_SERVER_SECRET");
  }

  @Test
  void shouldReadPublicAndRetiredKeysWithoutThePrivateKey() {
    PublicKey retired = SigningKey.generate("signet-6").publicKey();
    ReceiptStoreConfig config =
        ReceiptStoreConfig.fromEnvironment(
            Map.of(
                "SP_SERVER_SECRET", SECRET,
                "SP_PUBLIC_JWKS", Jwks.of(KEY.publicKey(), List.of()).toJson().toString(),
                "SP_RETIRED_JWKS", Jwks.of(retired, List.of()).toJson().toString()));

    assertThat(config.jwks().keys()).containsExactly(KEY.publicKey(), retired);
  }

  @Test
  void shouldFailNamingThePublicKeysWhenSignaturesAreCheckedWithoutAnyKey() {
    assertThatThrownBy(() -> ReceiptStoreConfig.fromEnvironment(Map.of("SP_SERVER_SECRET", SECRET)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SP_PUBLIC_JWKS")
        .hasMessageContaining("SP_STORE_VERIFY_SIGNATURES");
  }

  @Test
  void shouldRunWithoutKeysWhenSignatureChecksAreOff() {
    ReceiptStoreConfig config =
        ReceiptStoreConfig.fromEnvironment(
            Map.of("SP_SERVER_SECRET", SECRET, "SP_STORE_VERIFY_SIGNATURES", "false"));

    assertThat(config.verifySignatures()).isFalse();
    assertThat(config.jwks().keys()).isEmpty();
  }

  @Test
  void shouldFailNamingTheVariableForAnUnreadableSwitchOrJwks() {
    assertThatThrownBy(
            () ->
                ReceiptStoreConfig.fromEnvironment(
                    with(KEYED, "SP_STORE_VERIFY_SIGNATURES", "maybe")))
        .hasMessageContaining("SP_STORE_VERIFY_SIGNATURES");
    assertThatThrownBy(
            () -> ReceiptStoreConfig.fromEnvironment(with(KEYED, "SP_PUBLIC_JWKS", "{\"nope\":1}")))
        .hasMessageContaining("SP_PUBLIC_JWKS");
    assertThatThrownBy(
            () -> ReceiptStoreConfig.fromEnvironment(with(KEYED, "SP_SERVER_SECRET", "c2hvcnQ")))
        .hasMessageContaining("SP_SERVER_SECRET");
  }

  @Test
  void shouldReadKafkaAndJdbcSettings() {
    ReceiptStoreConfig config =
        ReceiptStoreConfig.fromEnvironment(
            with(
                KEYED,
                "SP_KAFKA_BOOTSTRAP",
                "kafka:9092",
                "SP_POSTGRES_URL",
                "jdbc:postgresql://db:5432/receipts",
                "SP_POSTGRES_USER",
                "signet",
                "SP_POSTGRES_PASSWORD",
                "s3cret"));

    assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/receipts");
    assertThat(config.jdbcUser()).isEqualTo("signet");
    assertThat(config.jdbcPassword()).isEqualTo("s3cret");
  }

  @Test
  void shouldTurnLibpqUrlIntoJdbcUrlWithCredentials() {
    ReceiptStoreConfig config =
        ReceiptStoreConfig.fromEnvironment(
            with(
                KEYED,
                "SP_POSTGRES_URL",
                "postgresql://signet:p%40ss@db:5433/signet?sslmode=require"));

    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/signet?sslmode=require");
    assertThat(config.jdbcUser()).isEqualTo("signet");
    assertThat(config.jdbcPassword()).isEqualTo("p@ss");
  }

  @Test
  void shouldPreferExplicitCredentialsOverThoseInTheUrl() {
    ReceiptStoreConfig config =
        ReceiptStoreConfig.fromEnvironment(
            with(
                KEYED,
                "SP_POSTGRES_URL",
                "postgres://url-user:url-pass@db/signet",
                "SP_POSTGRES_USER",
                "env-user",
                "SP_POSTGRES_PASSWORD",
                "env-pass"));

    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db/signet");
    assertThat(config.jdbcUser()).isEqualTo("env-user");
    assertThat(config.jdbcPassword()).isEqualTo("env-pass");
  }

  @Test
  void shouldNeverPrintThePassword() {
    ReceiptStoreConfig config =
        new ReceiptStoreConfig(
            "k:9092",
            "g",
            "jdbc:postgresql://db/signet?password=inurl",
            "u",
            "s3cret",
            10,
            ServerSecret.parse(SECRET),
            Jwks.of(KEY.publicKey(), List.of()),
            true);

    assertThat(config.toString())
        .doesNotContain("s3cret")
        .doesNotContain("inurl")
        .doesNotContain(SECRET);
  }

  @Test
  void shouldRejectUrlThatIsNotPostgres() {
    assertThatThrownBy(
            () ->
                new ReceiptStoreConfig(
                    "k:9092",
                    "g",
                    "jdbc:mysql://db/signet",
                    null,
                    null,
                    10,
                    ServerSecret.parse(SECRET),
                    Jwks.of(KEY.publicKey(), List.of()),
                    true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql:");
  }

  @Test
  void shouldRejectBatchSizeOutOfRange() {
    assertThatThrownBy(
            () ->
                new ReceiptStoreConfig(
                    "k:9092",
                    "g",
                    "jdbc:postgresql://db/x",
                    null,
                    null,
                    0,
                    ServerSecret.parse(SECRET),
                    Jwks.of(KEY.publicKey(), List.of()),
                    true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBatch");
  }

  private static Map<String, String> with(Map<String, String> base, String... pairs) {
    Map<String, String> env = new HashMap<>(base);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void shouldGiveTheConsumerTheKafkaSecuritySettingsAndNeverPrintThePassword() {
    ReceiptStoreConfig config =
        ReceiptStoreConfig.fromEnvironment(
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

    assertThat(ReceiptSink.consumerProperties(config))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("isolation.level", "read_committed");
    assertThat(config.toString()).doesNotContain("hunter2");
  }
}
