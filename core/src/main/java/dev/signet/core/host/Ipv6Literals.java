package dev.signet.core.host;

import java.util.Optional;

/**
 * IPv6 literals, parsed here rather than by {@link java.net.InetAddress#getByName}, which would
 * fall back to a DNS lookup for text that is not a literal. Zone ids ({@code fe80::1%eth0}) are
 * refused: they name an interface of this machine, never a destination on the internet.
 */
public final class Ipv6Literals {

  private Ipv6Literals() {}

  /** The sixteen bytes of {@code text} (no brackets), or empty when it is not an IPv6 literal. */
  public static Optional<byte[]> parse(String text) {
    if (text.isEmpty() || text.length() > 45) {
      return Optional.empty();
    }
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      return Optional.empty();
    }
    // Only the last run may end in a dotted IPv4.
    int[] head = gap < 0 ? groups(text, true) : groups(text.substring(0, gap), false);
    int[] tail = gap < 0 ? new int[0] : groups(text.substring(gap + 2), true);
    if (head == null || tail == null) {
      return Optional.empty();
    }
    int count = head.length + tail.length;
    if (gap < 0 ? count != 8 : count > 7) {
      return Optional.empty();
    }
    byte[] bytes = new byte[16];
    for (int i = 0; i < head.length; i++) {
      put(bytes, i, head[i]);
    }
    for (int i = 0; i < tail.length; i++) {
      put(bytes, 8 - tail.length + i, tail[i]);
    }
    return Optional.of(bytes);
  }

  /**
   * RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as ::.
   */
  public static String format(byte[] bytes) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /**
   * The 16-bit groups of a colon-separated run; a dotted IPv4 may end it (two groups). Null when
   * any group is malformed. An empty run has no groups.
   */
  private static int[] groups(String run, boolean mayEndDotted) {
    if (run.isEmpty()) {
      return new int[0];
    }
    String[] parts = run.split(":", -1);
    boolean dottedTail = parts[parts.length - 1].contains(".");
    if (dottedTail && !mayEndDotted) {
      return null;
    }
    int[] groups = new int[parts.length + (dottedTail ? 1 : 0)];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (dottedTail && i == parts.length - 1) {
        byte[] v4 = dottedQuad(part);
        if (v4 == null) {
          return null;
        }
        groups[i] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        groups[i + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        continue;
      }
      if (part.isEmpty() || part.length() > 4) {
        return null;
      }
      int value = 0;
      for (int k = 0; k < part.length(); k++) {
        int digit = hexDigit(part.charAt(k));
        if (digit < 0) {
          return null;
        }
        value = value * 16 + digit;
      }
      groups[i] = value;
    }
    return groups;
  }

  /** Strict dotted decimal, as RFC 4291 allows inside IPv6 text: four parts, no leading zeros. */
  private static byte[] dottedQuad(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty()
          || part.length() > 3
          || (part.length() > 1 && part.charAt(0) == '0')
          || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int value = Integer.parseInt(part);
      if (value > 255) {
        return null;
      }
      bytes[i] = (byte) value;
    }
    return bytes;
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static void put(byte[] bytes, int group, int value) {
    bytes[2 * group] = (byte) (value >>> 8);
    bytes[2 * group + 1] = (byte) value;
  }
}
