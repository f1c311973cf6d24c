package dev.signet.processor.egress;

import dev.signet.core.host.HostName;
import java.util.Locale;

/**
 * An absolute URL split by a strict reading of RFC 3986, written here because {@link java.net.URI}
 * is lenient where SSRF filters get bypassed (it accepts a registry-based authority it cannot split
 * and reports a null host, and knows nothing of the IPv4 forms browsers accept). Anything a
 * different parser might read differently is refused: whitespace and control characters,
 * backslashes, fragments, malformed percent escapes, non-ASCII outside the host.
 *
 * <p>A fragment is refused rather than dropped: it is never sent, so a forward URL that carries one
 * is a mistake or an attempt to confuse a parser, and the signed receipt then records exactly the
 * URL that was dialled.
 *
 * @param scheme lower case
 * @param userinfo whether the authority carried an {@code @}
 * @param host the host exactly as written (IPv6 with its brackets), not yet normalised; may be
 *     empty ({@code file:///}), which {@link HostName#parse} refuses
 * @param port the explicit port, or -1
 * @param pathAndQuery starting with {@code /} (an empty path becomes {@code /})
 */
record StrictUrl(String scheme, boolean userinfo, String host, int port, String pathAndQuery) {

  static final int MAX_LENGTH = 4096;

  /**
   * Splits {@code url}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static StrictUrl parse(String url) {
    if (url == null || url.isEmpty()) {
      throw new IllegalArgumentException("empty URL");
    }
    if (url.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("URL longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c <= ' ' || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\\') {
        throw new IllegalArgumentException("URL contains whitespace, a control character or \\");
      }
    }
    if (url.indexOf('#') >= 0) {
      throw new IllegalArgumentException("URL carries a fragment");
    }
    int colon = url.indexOf(':');
    if (colon <= 0 || !isScheme(url.substring(0, colon))) {
      throw new IllegalArgumentException("URL has no scheme");
    }
    if (!url.startsWith("//", colon + 1)) {
      throw new IllegalArgumentException("URL has no authority (expected scheme://host)");
    }
    String scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
    int authorityStart = colon + 3;
    int authorityEnd = authorityStart;
    while (authorityEnd < url.length()
        && url.charAt(authorityEnd) != '/'
        && url.charAt(authorityEnd) != '?') {
      authorityEnd++;
    }
    String authority = url.substring(authorityStart, authorityEnd);
    String rest = url.substring(authorityEnd);
    boolean userinfo = authority.indexOf('@') >= 0;
    String hostAndPort = userinfo ? authority.substring(authority.lastIndexOf('@') + 1) : authority;
    String host;
    String portText;
    if (hostAndPort.startsWith("[")) {
      int close = hostAndPort.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("unclosed IPv6 bracket");
      }
      host = hostAndPort.substring(0, close + 1);
      String after = hostAndPort.substring(close + 1);
      if (!after.isEmpty() && !after.startsWith(":")) {
        throw new IllegalArgumentException("text after the IPv6 literal");
      }
      portText = after.isEmpty() ? null : after.substring(1);
    } else {
      int portColon = hostAndPort.indexOf(':');
      host = portColon < 0 ? hostAndPort : hostAndPort.substring(0, portColon);
      portText = portColon < 0 ? null : hostAndPort.substring(portColon + 1);
    }
    String pathAndQuery = rest.isEmpty() || rest.startsWith("?") ? "/" + rest : rest;
    requirePathAndQuery(pathAndQuery);
    return new StrictUrl(scheme, userinfo, host, port(portText), pathAndQuery);
  }

  private static int port(String text) {
    if (text == null) {
      return -1;
    }
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("port is not a number");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port outside 1..65535");
    }
    return port;
  }

  private static boolean isScheme(String text) {
    if (!isAsciiLetter(text.charAt(0))) {
      return false;
    }
    return text.chars()
        .allMatch(
            c -> isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.');
  }

  /** RFC 3986 pchar, '/' and '?', with every '%' starting a two-digit hex escape. */
  private static void requirePathAndQuery(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length() || !isHex(text.charAt(i + 1)) || !isHex(text.charAt(i + 2))) {
          throw new IllegalArgumentException("malformed percent escape in path or query");
        }
        i += 2;
      } else if (!isAsciiLetter(c)
          && !(c >= '0' && c <= '9')
          && "-._~!$&'()*+,;=:@/?".indexOf(c) < 0) {
        throw new IllegalArgumentException("path or query contains '" + c + "'; percent-encode it");
      }
    }
  }

  private static boolean isAsciiLetter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
