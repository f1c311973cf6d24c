package dev.signet.core.host;

import java.math.BigInteger;
import java.util.Optional;

/**
 * IPv4 host literals in every form a URL parser accepts: dotted decimal, a single 32-bit number
 * ({@code 2130706433}), octal parts ({@code 0177.0.0.1}), hex parts ({@code 0x7f.1}), short forms
 * ({@code 127.1}, where the last part fills the remaining bytes) and any mix of them.
 *
 * <p>Follows the WHATWG URL standard's IPv4 parser, because that is what browsers, curl's newer
 * releases and most HTTP clients agree on: a host whose last label is a number <em>is</em> an IPv4
 * address, and an invalid one is an error rather than a domain name. Normalising every form first
 * means the allow-list and the address classification see one spelling per address.
 */
public final class Ipv4Literals {

  private static final BigInteger BYTE = BigInteger.valueOf(256);

  private Ipv4Literals() {}

  /**
   * Whether {@code host} (ASCII, lower case, trailing dot already removed) must be read as IPv4:
   * its last label is decimal digits or {@code 0x} hex.
   */
  public static boolean endsInNumber(String host) {
    String last = host.substring(host.lastIndexOf('.') + 1);
    if (last.isEmpty()) {
      return false;
    }
    if (last.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return true;
    }
    return last.startsWith("0x") && last.substring(2).chars().allMatch(Ipv4Literals::isHexDigit);
  }

  /**
   * The four bytes of {@code host}, or empty when it is not a valid IPv4 literal in any form. Call
   * only for a host that {@link #endsInNumber ends in a number}.
   */
  public static Optional<byte[]> parse(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length > 4) {
      return Optional.empty();
    }
    BigInteger[] numbers = new BigInteger[parts.length];
    for (int i = 0; i < parts.length; i++) {
      BigInteger number = number(parts[i]);
      if (number == null) {
        return Optional.empty();
      }
      numbers[i] = number;
    }
    // Every part but the last is one byte; the last fills the bytes that remain.
    for (int i = 0; i < numbers.length - 1; i++) {
      if (numbers[i].compareTo(BYTE) >= 0) {
        return Optional.empty();
      }
    }
    BigInteger last = numbers[numbers.length - 1];
    if (last.compareTo(BYTE.pow(5 - numbers.length)) >= 0) {
      return Optional.empty();
    }
    long value = last.longValueExact();
    for (int i = 0; i < numbers.length - 1; i++) {
      value += numbers[i].longValueExact() << (8 * (3 - i));
    }
    return Optional.of(
        new byte[] {
          (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
        });
  }

  /** A part as WHATWG reads it: {@code 0x} hex (empty is 0), leading-zero octal, or decimal. */
  private static BigInteger number(String part) {
    if (part.isEmpty() || part.length() > 64) {
      return null;
    }
    int radix = 10;
    String digits = part;
    if (part.startsWith("0x")) {
      radix = 16;
      digits = part.substring(2);
    } else if (part.length() > 1 && part.charAt(0) == '0') {
      radix = 8;
      digits = part.substring(1);
    }
    if (digits.isEmpty()) {
      return BigInteger.ZERO;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), radix) < 0 || digits.charAt(i) > 'f') {
        return null;
      }
    }
    return new BigInteger(digits, radix);
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }
}
