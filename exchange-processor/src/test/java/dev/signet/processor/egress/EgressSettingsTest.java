package dev.signet.processor.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.signet.core.host.HostName;
import dev.signet.core.host.HostPattern;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EgressSettingsTest {

  @Test
  void shouldDefaultToHttpsOn443WithNothingAllowed() {
    EgressSettings settings = EgressSettings.fromEnvironment(Map.of());

    assertThat(settings.allowlist()).isEmpty();
    assertThat(settings.ports()).containsExactly(443);
    assertThat(settings.allowHttpLoopback()).isFalse();
    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.totalTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(settings.maxResponseBytes()).isEqualTo(1024 * 1024);
    assertThat(settings.concurrency()).isEqualTo(32);
    assertThat(settings.perHostConcurrency()).isEqualTo(8);
  }

  @Test
  void shouldTreatBlankVariablesAsUnset() {
    EgressSettings settings =
        EgressSettings.fromEnvironment(
            Map.of(EgressSettings.PORTS, " ", EgressSettings.ALLOWLIST, ""));

    assertThat(settings.ports()).containsExactly(443);
    assertThat(settings.allowlist()).isEmpty();
  }

  @Test
  void shouldReadEveryVariable() {
    EgressSettings settings =
        EgressSettings.fromEnvironment(
            Map.of(
                EgressSettings.ALLOWLIST, "api.example.com, *.hooks.example.net,,",
                EgressSettings.PORTS, "443, 8443",
                EgressSettings.ALLOW_HTTP_LOOPBACK, "TRUE",
                EgressSettings.CONNECT_TIMEOUT, "2.5",
                EgressSettings.READ_TIMEOUT, "PT20S",
                EgressSettings.TOTAL_TIMEOUT, "30",
                EgressSettings.MAX_RESPONSE_BYTES, "2048",
                EgressSettings.CONCURRENCY, "4",
                EgressSettings.PER_HOST_CONCURRENCY, "2"));

    assertThat(settings.allowlist())
        .extracting(HostPattern::toString)
        .containsExactly("api.example.com", "*.hooks.example.net");
    assertThat(settings.ports()).isEqualTo(Set.of(443, 8443));
    assertThat(settings.allowHttpLoopback()).isTrue();
    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(settings.totalTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.maxResponseBytes()).isEqualTo(2048);
    assertThat(settings.concurrency()).isEqualTo(4);
    assertThat(settings.perHostConcurrency()).isEqualTo(2);
  }

  @Test
  void shouldNormaliseAllowListEntries() {
    EgressSettings settings =
        EgressSettings.fromEnvironment(
            Map.of(
                EgressSettings.ALLOWLIST,
                "Bücher.Example., *.API.example.com, 0x7f.1, 2001:DB8:0:0::1, [::1]"));

    assertThat(settings.allowlist())
        .extracting(HostPattern::toString)
        .containsExactly(
            "xn--bcher-kva.example", "*.api.example.com", "127.0.0.1", "[2001:db8::1]", "[::1]");
  }

  static Stream<Arguments> refusedAllowListEntries() {
    return Stream.of(
        Arguments.of("a URL", "https://api.example.com"),
        Arguments.of("a port", "api.example.com:443"),
        Arguments.of("a path", "api.example.com/x"),
        Arguments.of("a bare star", "*"),
        Arguments.of("a star inside", "api.*.example.com"),
        Arguments.of("a star without dot", "*example.com"),
        Arguments.of("a top-level wildcard", "*.com"),
        Arguments.of("a wildcard over an IP", "*.10.0.0.1"),
        Arguments.of("a CIDR", "10.0.0.0/8"),
        Arguments.of("an empty label", "api..example.com"),
        Arguments.of("an underscore", "a_b.example.com"),
        Arguments.of("a zone id", "[fe80::1%eth0]"),
        Arguments.of("a bad IPv4", "1.2.3.256"),
        Arguments.of("userinfo", "user@api.example.com"));
  }

  @ParameterizedTest(name = "refuses {0}")
  @MethodSource("refusedAllowListEntries")
  void shouldRefuseAMalformedAllowListEntryNamingTheVariable(String name, String entry) {
    Map<String, String> env = Map.of(EgressSettings.ALLOWLIST, "api.example.com," + entry);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> EgressSettings.fromEnvironment(env))
        .withMessageContaining("SP_HEL_ALLOWLIST");
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(EgressSettings.PORTS, "443,https"),
        Arguments.of(EgressSettings.PORTS, "0"),
        Arguments.of(EgressSettings.PORTS, "65536"),
        Arguments.of(EgressSettings.PORTS, ","),
        Arguments.of(EgressSettings.ALLOW_HTTP_LOOPBACK, "yes"),
        Arguments.of(EgressSettings.CONNECT_TIMEOUT, "5s"),
        Arguments.of(EgressSettings.CONNECT_TIMEOUT, "0"),
        Arguments.of(EgressSettings.CONNECT_TIMEOUT, "-1"),
        Arguments.of(EgressSettings.READ_TIMEOUT, "PT1H"),
        Arguments.of(EgressSettings.TOTAL_TIMEOUT, "PTX"),
        Arguments.of(EgressSettings.TOTAL_TIMEOUT, "4"),
        Arguments.of(EgressSettings.MAX_RESPONSE_BYTES, "1MB"),
        Arguments.of(EgressSettings.MAX_RESPONSE_BYTES, "0"),
        Arguments.of(EgressSettings.MAX_RESPONSE_BYTES, "1073741824"),
        Arguments.of(EgressSettings.CONCURRENCY, "0"),
        Arguments.of(EgressSettings.CONCURRENCY, "many"),
        Arguments.of(EgressSettings.PER_HOST_CONCURRENCY, "33"),
        Arguments.of(EgressSettings.PER_HOST_CONCURRENCY, "0"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValues")
  void shouldRefuseABadValueNamingTheVariable(String variable, String value) {
    Map<String, String> env = Map.of(variable, value);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> EgressSettings.fromEnvironment(env))
        .withMessageContaining(variable);
  }

  @ParameterizedTest
  @ValueSource(strings = {"*.hooks.example.net", "*.HOOKS.example.net."})
  void shouldMatchAWildcardOnLabelBoundariesOnly(String entry) {
    HostPattern pattern = HostPattern.parse(entry);

    assertThat(pattern.matches(HostName.parse("a.hooks.example.net"))).isTrue();
    assertThat(pattern.matches(HostName.parse("a.b.hooks.example.net"))).isTrue();
    assertThat(pattern.matches(HostName.parse("hooks.example.net"))).isFalse();
    assertThat(pattern.matches(HostName.parse("evilhooks.example.net"))).isFalse();
    assertThat(pattern.matches(HostName.parse("hooks.example.net.evil.test"))).isFalse();
  }

  @Test
  void shouldMatchAnIpEntryByAddressWhateverItsSpelling() {
    HostPattern pattern = HostPattern.parse("127.0.0.1");

    assertThat(pattern.matches(HostName.parse("2130706433"))).isTrue();
    assertThat(pattern.matches(HostName.parse("0x7f.0.0.1"))).isTrue();
    assertThat(pattern.matches(HostName.parse("127.0.0.2"))).isFalse();
    assertThat(pattern.matches(HostName.parse("[::ffff:127.0.0.1]"))).isFalse();
  }
}
