package dev.signet.processor.egress;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A forward URL that passed {@link EgressPolicy#precheck}: normalised, on the allow-list, on an
 * allowed port. Not yet resolved; {@link EgressPolicy#resolve} decides where it may be dialled.
 *
 * @param scheme {@code https}, or {@code http} only for a development loopback target
 * @param host the normalised host: ASCII domain name (the name for SNI, certificate checks and the
 *     {@code Host} header) or an IP literal's canonical text (IPv6 without brackets)
 * @param literal the address when the host is an IP literal, else null
 * @param port the port to dial, the scheme's default filled in
 * @param pathAndQuery the request target, starting with {@code /}
 * @param developmentLoopback whether {@code SP_HEL_ALLOW_HTTP_LOOPBACK} let this loopback target
 *     through (then it must resolve to loopback only)
 */
public record EgressTarget(
    String scheme,
    String host,
    InetAddress literal,
    int port,
    String pathAndQuery,
    boolean developmentLoopback) {

  public EgressTarget {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(pathAndQuery, "pathAndQuery");
    if (!scheme.equals("https") && !(scheme.equals("http") && developmentLoopback)) {
      throw new IllegalArgumentException("only https, or http to a development loopback target");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port outside 1..65535: " + port);
    }
    if (!pathAndQuery.startsWith("/")) {
      throw new IllegalArgumentException("path must start with /: " + pathAndQuery);
    }
  }

  /** Whether the host is an IP literal, which is never resolved. */
  public boolean ipLiteral() {
    return literal != null;
  }

  /** The normalised URL, as the receipt records it; the port only when not the scheme's default. */
  public String url() {
    String inUrl = literal instanceof java.net.Inet6Address ? "[" + host + "]" : host;
    boolean defaultPort = port == EgressPolicy.defaultPort(scheme);
    return scheme + "://" + inUrl + (defaultPort ? "" : ":" + port) + pathAndQuery;
  }
}
