package dev.signet.processor.egress;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.host.Ipv4Literals;
import dev.signet.core.host.Ipv6Literals;
import java.net.InetAddress;
import java.util.List;

/**
 * Where an address leads, for the egress policy: only {@link #GLOBAL} may be dialled.
 *
 * <p>IPv4 is a deny-list of every special-purpose range (IANA's registry, RFC 6890 and later); IPv6
 * is an allow-list: only global unicast {@code 2000::/3} outside its special ranges is global, so a
 * range IANA assigns later is denied until reviewed. Addresses that carry an IPv4 address
 * (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) take the class of the IPv4 they carry, since
 * that is where a packet to them ends up.
 *
 * <p>Choices worth knowing: {@code fd00:ec2::254} (the AWS instance-metadata endpoint over IPv6) is
 * {@link #LINK_LOCAL}, like its IPv4 twin 169.254.169.254, although it lies in ULA space; the NAT64
 * local-use prefix {@code 64:ff9b:1::/48} is never global (a carried non-global IPv4 decides the
 * class, else {@link #PRIVATE}); Teredo {@code 2001::/32} is never global either (its carried
 * client IPv4 decides the class when non-global, else {@link #RESERVED}), because a Teredo relay
 * reaches hosts behind NATs that no allow-list can reason about; 0.0.0.0/8 is {@link #RESERVED}
 * although Linux connects 0.0.0.0 to the local host.
 */
public enum AddressClass {
  GLOBAL(null),
  PRIVATE(ErrorCode.HEL_RESOLVED_PRIVATE),
  LOOPBACK(ErrorCode.HEL_RESOLVED_LOOPBACK),
  LINK_LOCAL(ErrorCode.HEL_RESOLVED_LINKLOCAL),
  RESERVED(ErrorCode.HEL_RESOLVED_RESERVED);

  private final ErrorCode code;

  AddressClass(ErrorCode code) {
    this.code = code;
  }

  /** The denial code for this class; null for {@link #GLOBAL}, which is never denied. */
  public ErrorCode code() {
    return code;
  }

  public boolean isGlobal() {
    return this == GLOBAL;
  }

  /** The class of {@code address}; IPv6 scope ids play no part. */
  public static AddressClass of(InetAddress address) {
    byte[] bytes = address.getAddress();
    return bytes.length == 4 ? ofIpv4(bytes) : ofIpv6(bytes);
  }

  private record Range(byte[] prefix, int bits, AddressClass type) {
    static Range v4(String network, int bits, AddressClass type) {
      return new Range(Ipv4Literals.parse(network).orElseThrow(), bits, type);
    }

    static Range v6(String network, int bits, AddressClass type) {
      return new Range(Ipv6Literals.parse(network).orElseThrow(), bits, type);
    }

    boolean contains(byte[] address) {
      for (int bit = 0; bit < bits; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((address[bit / 8] & mask) != (prefix[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  // First match wins; anything else is GLOBAL.
  private static final List<Range> IPV4 =
      List.of(
          Range.v4("0.0.0.0", 8, RESERVED), // "this network" (RFC 791)
          Range.v4("10.0.0.0", 8, PRIVATE), // RFC 1918
          Range.v4("100.64.0.0", 10, PRIVATE), // shared address space, CGNAT (RFC 6598)
          Range.v4("127.0.0.0", 8, LOOPBACK),
          Range.v4("169.254.0.0", 16, LINK_LOCAL), // incl. 169.254.169.254, cloud metadata
          Range.v4("172.16.0.0", 12, PRIVATE), // RFC 1918
          Range.v4("192.0.0.0", 24, RESERVED), // IETF protocol assignments (RFC 6890)
          Range.v4("192.0.2.0", 24, RESERVED), // TEST-NET-1 (RFC 5737)
          Range.v4("192.88.99.0", 24, RESERVED), // 6to4 relay anycast, deprecated (RFC 7526)
          Range.v4("192.168.0.0", 16, PRIVATE), // RFC 1918
          Range.v4("198.18.0.0", 15, RESERVED), // benchmarking (RFC 2544)
          Range.v4("198.51.100.0", 24, RESERVED), // TEST-NET-2
          Range.v4("203.0.113.0", 24, RESERVED), // TEST-NET-3
          Range.v4("224.0.0.0", 4, RESERVED), // multicast
          Range.v4("240.0.0.0", 4, RESERVED)); // reserved, incl. 255.255.255.255 broadcast

  private static final Range UNSPECIFIED = Range.v6("::", 128, RESERVED);
  private static final Range LOOPBACK_V6 = Range.v6("::1", 128, LOOPBACK);
  private static final Range MAPPED = Range.v6("::ffff:0:0", 96, null);
  private static final Range COMPATIBLE = Range.v6("::", 96, null);
  private static final Range NAT64 = Range.v6("64:ff9b::", 96, null); // RFC 6052
  private static final Range NAT64_LOCAL = Range.v6("64:ff9b:1::", 48, PRIVATE); // RFC 8215
  private static final Range TEREDO = Range.v6("2001::", 32, RESERVED); // RFC 4380
  private static final Range SIX_TO_FOUR = Range.v6("2002::", 16, null); // RFC 3056
  private static final Range GLOBAL_UNICAST = Range.v6("2000::", 3, GLOBAL);

  private static final List<Range> IPV6 =
      List.of(
          Range.v6("fd00:ec2::254", 128, LINK_LOCAL), // AWS metadata, see the class comment
          Range.v6("fc00::", 7, PRIVATE), // unique local (RFC 4193)
          Range.v6("fe80::", 10, LINK_LOCAL),
          Range.v6("fec0::", 10, PRIVATE), // site-local, deprecated (RFC 3879)
          Range.v6("ff00::", 8, RESERVED), // multicast
          Range.v6("100::", 64, RESERVED), // discard-only (RFC 6666)
          Range.v6("2001:db8::", 32, RESERVED), // documentation (RFC 3849)
          Range.v6("2001::", 23, RESERVED), // IETF protocol assignments, incl. 2001:2::/48
          Range.v6("3fff::", 20, RESERVED)); // documentation (RFC 9637)

  private static AddressClass ofIpv4(byte[] bytes) {
    for (Range range : IPV4) {
      if (range.contains(bytes)) {
        return range.type();
      }
    }
    return GLOBAL;
  }

  private static AddressClass ofIpv6(byte[] bytes) {
    if (UNSPECIFIED.contains(bytes)) {
      return UNSPECIFIED.type();
    }
    if (LOOPBACK_V6.contains(bytes)) {
      return LOOPBACK_V6.type();
    }
    if (MAPPED.contains(bytes) || COMPATIBLE.contains(bytes) || NAT64.contains(bytes)) {
      return ofIpv4(ipv4At(bytes, 12, false));
    }
    if (NAT64_LOCAL.contains(bytes)) {
      // Local use may put the IPv4 anywhere; the /96 layout is the common one.
      return carriedOr(ipv4At(bytes, 12, false), NAT64_LOCAL.type());
    }
    if (TEREDO.contains(bytes)) {
      return carriedOr(ipv4At(bytes, 12, true), TEREDO.type());
    }
    if (SIX_TO_FOUR.contains(bytes)) {
      return ofIpv4(ipv4At(bytes, 2, false));
    }
    for (Range range : IPV6) {
      if (range.contains(bytes)) {
        return range.type();
      }
    }
    return GLOBAL_UNICAST.contains(bytes) ? GLOBAL : RESERVED;
  }

  /** The carried IPv4's class when it is not global, else {@code otherwise}. */
  private static AddressClass carriedOr(byte[] ipv4, AddressClass otherwise) {
    AddressClass carried = ofIpv4(ipv4);
    return carried.isGlobal() ? otherwise : carried;
  }

  /** Four bytes from {@code offset}; Teredo stores its client address with every bit inverted. */
  private static byte[] ipv4At(byte[] bytes, int offset, boolean inverted) {
    byte[] ipv4 = new byte[4];
    for (int i = 0; i < 4; i++) {
      ipv4[i] = (byte) (inverted ? ~bytes[offset + i] : bytes[offset + i]);
    }
    return ipv4;
  }
}
