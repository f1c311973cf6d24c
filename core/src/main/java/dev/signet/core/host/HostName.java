package dev.signet.core.host;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/**
 * A host in the one spelling the policy compares: an ASCII domain name (IDNA applied, lower case,
 * no trailing dot) or an IP literal in canonical text. URL hosts and allow-list entries both go
 * through {@link #parse}, so {@code Bücher.example.}, {@code xn--bcher-kva.example} and {@code
 * BÜCHER.EXAMPLE} are one host, as are {@code 127.1}, {@code 0x7f.0.0.1} and {@code 2130706433}.
 *
 * <p>{@link IDN} implements IDNA 2003, which maps a few characters differently from the IDNA 2008
 * that browsers use ({@code ß} becomes {@code ss}, so {@code straße.de} is {@code strasse.de}).
 * Entries and URLs go through the same mapping, so the policy stays consistent; the name dialled is
 * the one this class produces, never the raw text.
 *
 * @param ascii the domain name, or the address text for a literal (IPv6 without brackets)
 * @param literal the address when the host is an IP literal, else null
 */
public record HostName(String ascii, InetAddress literal) {

  private static final int MAX_NAME_LENGTH = 253;
  private static final int MAX_LABEL_LENGTH = 63;

  public HostName {
    Objects.requireNonNull(ascii, "ascii");
  }

  public boolean isLiteral() {
    return literal != null;
  }

  /** The host as it appears in a URL: IPv6 literals in brackets. */
  public String inUrl() {
    return literal instanceof Inet6Address ? "[" + ascii + "]" : ascii;
  }

  /**
   * Reads a host as written in a URL's authority (IPv6 in brackets) or an allow-list entry.
   *
   * @throws IllegalArgumentException saying why, when it is no valid host
   */
  public static HostName parse(String raw) {
    if (raw.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (raw.startsWith("[")) {
      if (!raw.endsWith("]")) {
        throw new IllegalArgumentException("unclosed IPv6 bracket");
      }
      return ipv6(raw.substring(1, raw.length() - 1));
    }
    String ascii;
    try {
      // Without USE_STD3_ASCII_RULES: the LDH check below is stricter and says what failed.
      ascii = IDN.toASCII(raw).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("host is not a valid internationalised name", e);
    }
    if (ascii.endsWith(".")) {
      ascii = ascii.substring(0, ascii.length() - 1);
    }
    if (ascii.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (Ipv4Literals.endsInNumber(ascii)) {
      byte[] bytes =
          Ipv4Literals.parse(ascii)
              .orElseThrow(() -> new IllegalArgumentException("invalid IPv4 literal"));
      InetAddress address = address(bytes);
      return new HostName(address.getHostAddress(), address);
    }
    requireDomainName(ascii);
    return new HostName(ascii, null);
  }

  private static HostName ipv6(String text) {
    if (text.indexOf('%') >= 0) {
      throw new IllegalArgumentException("IPv6 zone ids are not allowed");
    }
    byte[] bytes =
        Ipv6Literals.parse(text)
            .orElseThrow(() -> new IllegalArgumentException("invalid IPv6 literal"));
    try {
      // Inet6Address even for ::ffff:a.b.c.d, which InetAddress.getByAddress would turn into IPv4.
      return new HostName(Ipv6Literals.format(bytes), Inet6Address.getByAddress(null, bytes, -1));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("sixteen bytes are always an IPv6 address", e);
    }
  }

  static Inet4Address address(byte[] four) {
    try {
      return (Inet4Address) InetAddress.getByAddress(four);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }

  /** Letters, digits and inner hyphens; punycode labels must decode and re-encode to themselves. */
  private static void requireDomainName(String ascii) {
    if (ascii.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("host name longer than " + MAX_NAME_LENGTH);
    }
    for (String label : ascii.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > MAX_LABEL_LENGTH) {
        throw new IllegalArgumentException("empty or over-long label in host");
      }
      if (!label.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
          || label.startsWith("-")
          || label.endsWith("-")) {
        throw new IllegalArgumentException("host label '" + label + "' is not letters, digits, -");
      }
      if (label.startsWith("xn--") && !isValidPunycode(label)) {
        throw new IllegalArgumentException("host label '" + label + "' is not valid punycode");
      }
    }
  }

  private static boolean isValidPunycode(String label) {
    String unicode = IDN.toUnicode(label);
    if (unicode.equals(label)) {
      return false; // IDN.toUnicode returns its input unchanged when decoding fails
    }
    try {
      return IDN.toASCII(unicode).equalsIgnoreCase(label);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
