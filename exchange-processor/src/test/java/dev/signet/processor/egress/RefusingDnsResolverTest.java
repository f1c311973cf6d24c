package dev.signet.processor.egress;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RefusingDnsResolverTest {

  private final RefusingDnsResolver resolver = new RefusingDnsResolver();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"forward.test", "localhost", "127.0.0.1", "metadata.google.internal"})
  void shouldRefuseEveryLookup(String name) {
    assertThatThrownBy(() -> resolver.resolve(name)).isInstanceOf(UnknownHostException.class);
    assertThatThrownBy(() -> resolver.resolve(name, 443)).isInstanceOf(UnknownHostException.class);
    assertThatThrownBy(() -> resolver.resolveCanonicalHostname(name))
        .isInstanceOf(UnknownHostException.class);
  }
}
