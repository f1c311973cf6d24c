package dev.signet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiptStoreConfigTest {

  @Test
  void shouldUseLocalDefaultsWhenNothingIsSet() {
    ReceiptStoreConfig config = ReceiptStoreConfig.fromEnvironment(Map.of());

    assertThat(config).isEqualTo(new ReceiptStoreConfig(
        "127.0.0.1:9092", "signet-receipt-store", "jdbc:postgresql://127.0.0.1:5432/signet", null, null, 1000));
  }

  @Test
  void shouldReadKafkaAndJdbcSettings() {
    ReceiptStoreConfig config = ReceiptStoreConfig.fromEnvironment(Map.of(
        "SP_KAFKA_BOOTSTRAP", "kafka:9092",
        "SP_POSTGRES_URL", "jdbc:postgresql://db:5432/receipts",
        "SP_POSTGRES_USER", "signet",
        "SP_POSTGRES_PASSWORD", "s3cret"));

    assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/receipts");
    assertThat(config.jdbcUser()).isEqualTo("signet");
    assertThat(config.jdbcPassword()).isEqualTo("s3cret");
  }

  @Test
  void shouldTurnLibpqUrlIntoJdbcUrlWithCredentials() {
    ReceiptStoreConfig config = ReceiptStoreConfig.fromEnvironment(Map.of(
        "SP_POSTGRES_URL", "postgresql://signet:p%40ss@db:5433/signet?sslmode=require"));

    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/signet?sslmode=require");
    assertThat(config.jdbcUser()).isEqualTo("signet");
    assertThat(config.jdbcPassword()).isEqualTo("p@ss");
  }

  @Test
  void shouldPreferExplicitCredentialsOverThoseInTheUrl() {
    ReceiptStoreConfig config = ReceiptStoreConfig.fromEnvironment(Map.of(
        "SP_POSTGRES_URL", "postgres://url-user:url-pass@db/signet",
        "SP_POSTGRES_USER", "env-user",
        "SP_POSTGRES_PASSWORD", "env-pass"));

    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db/signet");
    assertThat(config.jdbcUser()).isEqualTo("env-user");
    assertThat(config.jdbcPassword()).isEqualTo("env-pass");
  }

  @Test
  void shouldNeverPrintThePassword() {
    ReceiptStoreConfig config = new ReceiptStoreConfig(
        "k:9092", "g", "jdbc:postgresql://db/signet?password=inurl", "u", "s3cret", 10);

    assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("inurl");
  }

  @Test
  void shouldRejectUrlThatIsNotPostgres() {
    assertThatThrownBy(() -> new ReceiptStoreConfig("k:9092", "g", "jdbc:mysql://db/signet", null, null, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql:");
  }

  @Test
  void shouldRejectBatchSizeOutOfRange() {
    assertThatThrownBy(() -> new ReceiptStoreConfig("k:9092", "g", "jdbc:postgresql://db/x", null, null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBatch");
  }
}
