package dev.signet.billing.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerConfigTest {

  @Test
  void shouldReadPostgresLikeTheReceiptStoreAndLeavePushingOffWithoutAKey() {
    LedgerConfig config =
        LedgerConfig.fromEnvironment(
            Env.of(
                Map.of(
                    "SP_KAFKA_BOOTSTRAP", "kafka:9092",
                    "SP_POSTGRES_URL", "postgresql://signet:p%40ss@db:5433/signet")));

    assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(config.groupId()).isEqualTo("signet-billing-ledger");
    assertThat(config.postgres().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/signet");
    assertThat(config.postgres().user()).isEqualTo("signet");
    assertThat(config.postgres().password()).isEqualTo("p@ss");
    assertThat(config.pushing()).isFalse();
    assertThat(config.toString()).doesNotContain("p@ss");
  }

  @Test
  void shouldPushWithAKeyAndNeverPrintIt() {
    LedgerConfig config =
        LedgerConfig.fromEnvironment(
            Env.of(
                Map.of(
                    "SP_STRIPE_API_KEY", "sk_test_secret",
                    "SP_STRIPE_API_BASE", "http://127.0.0.1:12111")));

    assertThat(config.pushing()).isTrue();
    assertThat(config.stripe().orElseThrow().apiBase()).isEqualTo("http://127.0.0.1:12111");
    assertThat(config.toString()).doesNotContain("sk_test_secret");
  }

  @Test
  void shouldNameTheVariableOfABadBatchSize() {
    assertThatThrownBy(
            () -> LedgerConfig.fromEnvironment(Env.of(Map.of("SP_BILLING_LEDGER_MAX_BATCH", "0"))))
        .hasMessageContaining("SP_BILLING_LEDGER_MAX_BATCH");
  }

  @Test
  void shouldGiveBothClientsTheKafkaSecuritySettings() {
    LedgerConfig config =
        LedgerConfig.fromEnvironment(
            Env.of(
                Map.of(
                    "SP_KAFKA_SECURITY_PROTOCOL", "SSL",
                    "SP_KAFKA_PROPERTIES", "")));

    assertThat(LedgerWorker.consumerProperties(config))
        .containsEntry("security.protocol", "SSL")
        .containsEntry("isolation.level", "read_committed");
    assertThat(LedgerWorker.producerProperties(config))
        .containsEntry("security.protocol", "SSL")
        .containsEntry("enable.idempotence", true);
  }
}
