package dev.signet.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class TraceIdsTest {

  private final ServerSecret secret =
      ServerSecret.parse("c2lnbmV0LXRlc3Qtc2VydmVyLXNlY3JldC0zMi1ieXRlcyE");

  @Test
  void shouldDeriveTheSameValidTraceIdForTheSameTenantAndKey() {
    TraceIds ids = new TraceIds(secret);

    String first = ids.derive("acme", "order-1");

    assertThat(new TraceIds(secret).derive("acme", "order-1")).isEqualTo(first);
    assertThat(first).matches("t-[0-9a-f]{32}");
    assertThat(Admission.checkTraceId(first)).isEmpty();
  }

  @Test
  void shouldDeriveDifferentIdsForOtherTenantsKeysOrSecrets() {
    TraceIds ids = new TraceIds(secret);
    TraceIds otherDeployment = new TraceIds(ServerSecret.derivedFrom(SigningKey.generate("k")));

    assertThat(ids.derive("acme", "order-1"))
        .isNotEqualTo(ids.derive("globex", "order-1"))
        .isNotEqualTo(ids.derive("acme", "order-2"))
        .isNotEqualTo(otherDeployment.derive("acme", "order-1"));
  }

  @Test
  void shouldPlaceATraceWhereKafkasJavaProducerPlacesItsKey() {
    for (int i = 0; i < 1000; i++) {
      String trace = "trace-" + i;
      int kafka = BuiltInPartitioner.partitionForKey(trace.getBytes(StandardCharsets.UTF_8), 7);
      assertThat(TracePartitioner.partition(trace, 7)).isEqualTo(kafka);
    }
  }

  @Test
  void shouldRefuseAServerSecretShorterThan32Bytes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerSecret.parse("c2hvcnQ"))
        .hasMessageContaining("SP_SERVER_SECRET");
  }
}
