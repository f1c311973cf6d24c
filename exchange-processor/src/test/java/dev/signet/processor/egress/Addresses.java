package dev.signet.processor.egress;

import dev.signet.core.host.Ipv4Literals;
import dev.signet.core.host.Ipv6Literals;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Test addresses from literal text, without DNS and keeping IPv4-mapped IPv6 as IPv6. */
final class Addresses {

  private Addresses() {}

  static InetAddress ip(String text) {
    try {
      if (text.indexOf(':') >= 0) {
        return Inet6Address.getByAddress(null, Ipv6Literals.parse(text).orElseThrow(), -1);
      }
      return InetAddress.getByAddress(Ipv4Literals.parse(text).orElseThrow());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
