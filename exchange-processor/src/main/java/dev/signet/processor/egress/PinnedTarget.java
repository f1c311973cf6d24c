package dev.signet.processor.egress;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where one forward goes: the checked URL and the single address the dial may use.
 *
 * <p>The policy step produces the host (ASCII, lower case, IDNA-normalised), the port and the
 * address it classified; {@link PinnedForwarder} connects to {@code pinned} and nothing else, and
 * presents {@code host} for SNI and certificate verification.
 *
 * @param url the URL as checked, recorded in the receipt; its scheme ({@code https}, or {@code
 *     http} for the development switch) decides TLS
 * @param host the normalised host name (or IP literal, IPv6 without brackets)
 * @param port the port to connect to, 1 to 65535
 * @param pathAndQuery the request target, starting with {@code /}
 * @param pinned the address that was resolved and allowed
 */
public record PinnedTarget(
    String url, String host, int port, String pathAndQuery, InetAddress pinned) {

  public PinnedTarget {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(pinned, "pinned");
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
    }
    if (pathAndQuery == null || !pathAndQuery.startsWith("/")) {
      throw new IllegalArgumentException("pathAndQuery must start with '/', got " + pathAndQuery);
    }
    try {
      new URI(pathAndQuery);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("pathAndQuery is not a URI reference: " + pathAndQuery, e);
    }
    scheme(url);
  }

  /** {@code https} or {@code http}, lower case, from the URL. */
  public String scheme() {
    return scheme(url);
  }

  /** Whether the dial speaks TLS: every forward except the development switch's plain HTTP. */
  public boolean tls() {
    return "https".equals(scheme());
  }

  private static String scheme(String url) {
    String scheme;
    try {
      scheme = URI.create(url).getScheme();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("url is not a URI: " + url, e);
    }
    String lower = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
    if (!lower.equals("https") && !lower.equals("http")) {
      throw new IllegalArgumentException("url scheme must be https or http, got " + url);
    }
    return lower;
  }
}
