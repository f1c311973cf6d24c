package dev.signet.ingress.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.config.KafkaClientProperties;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class KafkaClientPropertiesBeanTest {

  @Test
  void shouldReadTheKafkaSecurityVariablesAsSpringResolvesThem() {
    MockEnvironment environment =
        new MockEnvironment()
            .withProperty("SP_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
            .withProperty("SP_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
            .withProperty("SP_KAFKA_SASL_USERNAME", "signet-ingress")
            .withProperty("SP_KAFKA_SASL_PASSWORD", "hunter2");

    KafkaClientProperties client = new IngressBeans().kafkaClientProperties(environment);

    assertThat(client.settings())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsKey("sasl.jaas.config");
  }

  @Test
  void shouldBePlaintextWhenNothingIsSet() {
    assertThat(new IngressBeans().kafkaClientProperties(new MockEnvironment()).settings())
        .isEmpty();
  }

  @Test
  void shouldRefuseAUsernameWithoutAPassword() {
    MockEnvironment environment =
        new MockEnvironment().withProperty("SP_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    environment.setProperty("SP_KAFKA_SASL_USERNAME", "only-a-user");

    assertThatThrownBy(() -> new IngressBeans().kafkaClientProperties(environment))
        .hasMessageContaining("must be set together");
  }
}
