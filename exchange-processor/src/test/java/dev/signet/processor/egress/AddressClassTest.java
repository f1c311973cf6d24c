package dev.signet.processor.egress;

import static dev.signet.processor.egress.AddressClass.GLOBAL;
import static dev.signet.processor.egress.AddressClass.LINK_LOCAL;
import static dev.signet.processor.egress.AddressClass.LOOPBACK;
import static dev.signet.processor.egress.AddressClass.PRIVATE;
import static dev.signet.processor.egress.AddressClass.RESERVED;
import static dev.signet.processor.egress.Addresses.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.host.Ipv6Literals;
import java.net.Inet6Address;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every range at its edges: the first and last address inside, and the first outside on each side
 * (which is often another special range, so its class is stated too).
 */
class AddressClassTest {

  private static Arguments edge(String name, String address, AddressClass expected) {
    return Arguments.of(name + ": " + address, address, expected);
  }

  static Stream<Arguments> ipv4() {
    return Stream.of(
        edge("0/8 first", "0.0.0.0", RESERVED),
        edge("0/8 last", "0.255.255.255", RESERVED),
        edge("0/8 after", "1.0.0.0", GLOBAL),
        edge("10/8 before", "9.255.255.255", GLOBAL),
        edge("10/8 first", "10.0.0.0", PRIVATE),
        edge("10/8 last", "10.255.255.255", PRIVATE),
        edge("10/8 after", "11.0.0.0", GLOBAL),
        edge("100.64/10 before", "100.63.255.255", GLOBAL),
        edge("100.64/10 first", "100.64.0.0", PRIVATE),
        edge("100.64/10 last", "100.127.255.255", PRIVATE),
        edge("100.64/10 after", "100.128.0.0", GLOBAL),
        edge("127/8 before", "126.255.255.255", GLOBAL),
        edge("127/8 first", "127.0.0.0", LOOPBACK),
        edge("127/8 last", "127.255.255.255", LOOPBACK),
        edge("127/8 after", "128.0.0.0", GLOBAL),
        edge("169.254/16 before", "169.253.255.255", GLOBAL),
        edge("169.254/16 first", "169.254.0.0", LINK_LOCAL),
        edge("169.254/16 metadata", "169.254.169.254", LINK_LOCAL),
        edge("169.254/16 last", "169.254.255.255", LINK_LOCAL),
        edge("169.254/16 after", "169.255.0.0", GLOBAL),
        edge("172.16/12 before", "172.15.255.255", GLOBAL),
        edge("172.16/12 first", "172.16.0.0", PRIVATE),
        edge("172.16/12 last", "172.31.255.255", PRIVATE),
        edge("172.16/12 after", "172.32.0.0", GLOBAL),
        edge("192.0.0/24 before", "191.255.255.255", GLOBAL),
        edge("192.0.0/24 first", "192.0.0.0", RESERVED),
        edge("192.0.0/24 last", "192.0.0.255", RESERVED),
        edge("192.0.0/24 after", "192.0.1.0", GLOBAL),
        edge("192.0.2/24 before", "192.0.1.255", GLOBAL),
        edge("192.0.2/24 first", "192.0.2.0", RESERVED),
        edge("192.0.2/24 last", "192.0.2.255", RESERVED),
        edge("192.0.2/24 after", "192.0.3.0", GLOBAL),
        edge("192.88.99/24 before", "192.88.98.255", GLOBAL),
        edge("192.88.99/24 first", "192.88.99.0", RESERVED),
        edge("192.88.99/24 last", "192.88.99.255", RESERVED),
        edge("192.88.99/24 after", "192.88.100.0", GLOBAL),
        edge("192.168/16 before", "192.167.255.255", GLOBAL),
        edge("192.168/16 first", "192.168.0.0", PRIVATE),
        edge("192.168/16 last", "192.168.255.255", PRIVATE),
        edge("192.168/16 after", "192.169.0.0", GLOBAL),
        edge("198.18/15 before", "198.17.255.255", GLOBAL),
        edge("198.18/15 first", "198.18.0.0", RESERVED),
        edge("198.18/15 last", "198.19.255.255", RESERVED),
        edge("198.18/15 after", "198.20.0.0", GLOBAL),
        edge("198.51.100/24 before", "198.51.99.255", GLOBAL),
        edge("198.51.100/24 first", "198.51.100.0", RESERVED),
        edge("198.51.100/24 last", "198.51.100.255", RESERVED),
        edge("198.51.100/24 after", "198.51.101.0", GLOBAL),
        edge("203.0.113/24 before", "203.0.112.255", GLOBAL),
        edge("203.0.113/24 first", "203.0.113.0", RESERVED),
        edge("203.0.113/24 last", "203.0.113.255", RESERVED),
        edge("203.0.113/24 after", "203.0.114.0", GLOBAL),
        edge("224/4 before", "223.255.255.255", GLOBAL),
        edge("224/4 first", "224.0.0.0", RESERVED),
        edge("224/4 last", "239.255.255.255", RESERVED),
        edge("240/4 first", "240.0.0.0", RESERVED),
        edge("240/4 last, broadcast", "255.255.255.255", RESERVED),
        edge("public", "8.8.8.8", GLOBAL),
        edge("public", "93.184.216.34", GLOBAL));
  }

  static Stream<Arguments> ipv6() {
    return Stream.of(
        edge("unspecified", "::", RESERVED),
        edge("loopback", "::1", LOOPBACK),
        edge("compatible first", "::0.0.0.2", RESERVED),
        edge("compatible loopback", "::127.0.0.1", LOOPBACK),
        edge("compatible private", "::10.0.0.1", PRIVATE),
        edge("compatible global", "::8.8.8.8", GLOBAL),
        edge("compatible last", "::255.255.255.255", RESERVED),
        edge("compatible after", "::1:0:0", RESERVED),
        edge("mapped before", "::fffe:ffff:ffff", RESERVED),
        edge("mapped first", "::ffff:0.0.0.0", RESERVED),
        edge("mapped loopback", "::ffff:127.0.0.1", LOOPBACK),
        edge("mapped private", "::ffff:10.0.0.1", PRIVATE),
        edge("mapped CGNAT", "::ffff:100.64.0.1", PRIVATE),
        edge("mapped metadata", "::ffff:169.254.169.254", LINK_LOCAL),
        edge("mapped global", "::ffff:8.8.8.8", GLOBAL),
        edge("mapped last", "::ffff:255.255.255.255", RESERVED),
        edge("mapped after", "::1:0:0:0", RESERVED),
        edge("NAT64 before", "64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", RESERVED),
        edge("NAT64 first", "64:ff9b::", RESERVED),
        edge("NAT64 loopback", "64:ff9b::127.0.0.1", LOOPBACK),
        edge("NAT64 private", "64:ff9b::a00:1", PRIVATE),
        edge("NAT64 global", "64:ff9b::808:808", GLOBAL),
        edge("NAT64 last", "64:ff9b::ffff:ffff", RESERVED),
        edge("NAT64 after", "64:ff9b::1:0:0", RESERVED),
        edge("NAT64 local first", "64:ff9b:1::", RESERVED),
        edge("NAT64 local loopback", "64:ff9b:1::7f00:1", LOOPBACK),
        edge("NAT64 local global IPv4", "64:ff9b:1::808:808", PRIVATE),
        edge("NAT64 local last", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", RESERVED),
        edge("NAT64 local after", "64:ff9b:2::808:808", RESERVED),
        edge("discard-only first", "100::", RESERVED),
        edge("global unicast before", "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", RESERVED),
        edge("global unicast first", "2000::", GLOBAL),
        edge("2001::/23 before", "2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", GLOBAL),
        edge("Teredo first (client 255.255.255.255)", "2001::", RESERVED),
        edge("Teredo private client", "2001:0:4136:e378:8000:63bf:f5ff:fffe", PRIVATE),
        edge("Teredo loopback client", "2001:0:4136:e378:8000:63bf:80ff:fffe", LOOPBACK),
        edge("Teredo global client", "2001:0:4136:e378:8000:63bf:f7f7:f7f7", RESERVED),
        edge("Teredo last (client 0.0.0.0)", "2001:0:ffff:ffff:ffff:ffff:ffff:ffff", RESERVED),
        edge("Teredo after", "2001:1::", RESERVED),
        edge("benchmarking first", "2001:2::", RESERVED),
        edge("benchmarking last", "2001:2:0:ffff:ffff:ffff:ffff:ffff", RESERVED),
        edge("2001::/23 last", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", RESERVED),
        edge("2001::/23 after", "2001:200::", GLOBAL),
        edge("documentation before", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", GLOBAL),
        edge("documentation first", "2001:db8::", RESERVED),
        edge("documentation last", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", RESERVED),
        edge("documentation after", "2001:db9::", GLOBAL),
        edge("6to4 before", "2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", GLOBAL),
        edge("6to4 first (0.0.0.0)", "2002::", RESERVED),
        edge("6to4 loopback", "2002:7f00:1::", LOOPBACK),
        edge("6to4 private", "2002:c0a8:101::1", PRIVATE),
        edge("6to4 global", "2002:808:808::1", GLOBAL),
        edge("6to4 last (255.255.255.255)", "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", RESERVED),
        edge("6to4 after", "2003::", GLOBAL),
        edge("public", "2606:4700:4700::1111", GLOBAL),
        edge("documentation 3fff before", "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", GLOBAL),
        edge("documentation 3fff first", "3fff::", RESERVED),
        edge("documentation 3fff last", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", RESERVED),
        edge("documentation 3fff after", "3fff:1000::", GLOBAL),
        edge("global unicast last", "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", GLOBAL),
        edge("global unicast after", "4000::", RESERVED),
        edge("ULA before", "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", RESERVED),
        edge("ULA first", "fc00::", PRIVATE),
        edge("metadata before", "fd00:ec2::253", PRIVATE),
        edge("metadata", "fd00:ec2::254", LINK_LOCAL),
        edge("metadata after", "fd00:ec2::255", PRIVATE),
        edge("ULA last", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PRIVATE),
        edge("ULA after", "fe00::", RESERVED),
        edge("link-local before", "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", RESERVED),
        edge("link-local first", "fe80::", LINK_LOCAL),
        edge("link-local last", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", LINK_LOCAL),
        edge("site-local first", "fec0::", PRIVATE),
        edge("site-local last", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PRIVATE),
        edge("multicast first", "ff00::", RESERVED),
        edge("multicast last", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", RESERVED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ipv4")
  void shouldClassifyIpv4RangeEdges(String name, String address, AddressClass expected) {
    assertThat(AddressClass.of(ip(address))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ipv6")
  void shouldClassifyIpv6RangeEdges(String name, String address, AddressClass expected) {
    assertThat(AddressClass.of(ip(address))).isEqualTo(expected);
  }

  @Test
  void shouldIgnoreTheScopeIdOfALinkLocalAddress() throws Exception {
    Inet6Address scoped =
        Inet6Address.getByAddress(null, Ipv6Literals.parse("fe80::1").orElseThrow(), 2);

    assertThat(AddressClass.of(scoped)).isEqualTo(LINK_LOCAL);
  }

  @Test
  void shouldMapEveryDeniedClassToItsCodeAndGlobalToNone() {
    assertThat(GLOBAL.code()).isNull();
    assertThat(PRIVATE.code()).isEqualTo(ErrorCode.HEL_RESOLVED_PRIVATE);
    assertThat(LOOPBACK.code()).isEqualTo(ErrorCode.HEL_RESOLVED_LOOPBACK);
    assertThat(LINK_LOCAL.code()).isEqualTo(ErrorCode.HEL_RESOLVED_LINKLOCAL);
    assertThat(RESERVED.code()).isEqualTo(ErrorCode.HEL_RESOLVED_RESERVED);
  }

  @Test
  void shouldAnswerDeniedCodesWith403() {
    for (AddressClass type : AddressClass.values()) {
      if (type != GLOBAL) {
        assertThat(type.code().status()).isEqualTo(403);
      }
    }
  }
}
