package dev.signet.ingress.health;

import dev.signet.ingress.exchange.ExchangeGateway;
import dev.signet.store.query.ReceiptQueries;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** The dependencies {@code /healthz} checks: Kafka request/reply and the receipt store. */
final class PipelineHealth {

  private PipelineHealth() {}

  @Component("kafka")
  static class KafkaHealth implements HealthIndicator {
    private final ExchangeGateway gateway;

    KafkaHealth(ExchangeGateway gateway) {
      this.gateway = gateway;
    }

    @Override
    public Health health() {
      return gateway.isHealthy()
          ? Health.up().withDetail("replies", "listening").build()
          : Health.down().withDetail("replies", "reply listener is not running").build();
    }
  }

  @Component("receiptStore")
  static class ReceiptStoreHealth implements HealthIndicator {
    private final ReceiptQueries queries;

    ReceiptStoreHealth(ReceiptQueries queries) {
      this.queries = queries;
    }

    @Override
    public Health health() {
      // Not ready also while the receipt store has not created its schema: ingress never migrates.
      return queries.isReady()
          ? Health.up().build()
          : Health.down()
              .withDetail(
                  "postgres", "not reachable, or the receipt store's schema is not created yet")
              .build();
    }
  }
}
