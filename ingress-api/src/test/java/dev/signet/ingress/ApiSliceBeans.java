package dev.signet.ingress;

import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.tenant.ApiKeyTable;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.trace.TraceIds;
import dev.signet.core.types.TypeRegistry;
import dev.signet.ingress.config.IngressProperties;
import dev.signet.ingress.config.TestIngressProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The beans every controller of the API needs, for slice tests of the whole HTTP surface: keys of
 * every scope for tenant {@code demo} and a second tenant {@code other}; the Kafka gateway and the
 * stores are mocked by each test.
 */
@TestConfiguration
class ApiSliceBeans {

  static final SigningKey KEY = SigningKey.generate("k1");

  @Bean
  ApiKeyTable apiKeys() {
    return ApiKeyTable.fixed(
        ApiKeys.parse(
            """
      {"legacy_key": {"tenant": "demo"},
       "exchange_key": {"tenant": "demo", "scopes": ["exchange"]},
       "receipts_key": {"tenant": "demo", "scopes": ["receipts.read"]},
       "billing_key": {"tenant": "demo", "scopes": ["billing.read"]},
       "admin_key": {"tenant": "demo", "scopes": ["admin"]},
       "empty_scopes_key": {"tenant": "demo", "scopes": []},
       "other_key": {"tenant": "other"}}
      """));
  }

  @Bean
  IngressProperties ingressProperties() {
    return TestIngressProperties.withLimits(4096, 64);
  }

  @Bean
  Admission admission() {
    return new Admission(new Admission.Limits(4096, 64));
  }

  @Bean
  TraceIds traceIds() {
    return new TraceIds(ServerSecret.parse("c2NvcGVzLXRlc3Qtc2VydmVyLXNlY3JldC0zMi1ieXRlcyEh"));
  }

  @Bean
  MeterRegistry meterRegistry() {
    return new SimpleMeterRegistry();
  }

  @Bean
  SigningKey signingKey() {
    return KEY;
  }

  @Bean
  Jwks jwks() {
    return Jwks.of(KEY.publicKey(), List.of());
  }

  @Bean
  TypeRegistry typeRegistry() {
    return TypeRegistry.load(Optional.empty());
  }

  @Bean
  Clock billingClock() {
    return Clock.fixed(Instant.parse("2026-03-10T00:00:00Z"), ZoneOffset.UTC);
  }
}
