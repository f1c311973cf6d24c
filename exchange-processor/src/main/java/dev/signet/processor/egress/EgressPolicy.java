package dev.signet.processor.egress;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.host.HostName;
import dev.signet.core.host.HostPattern;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Decides whether a forward URL may be dialled, in two steps.
 *
 * <ol>
 *   <li>{@link #precheck}, pure and without DNS, so it runs on the stream thread: a strict parse
 *       ({@code HEL_URL_INVALID}), https only ({@code HEL_SCHEME_NOT_HTTPS}), no userinfo ({@code
 *       HEL_USERINFO_NOT_ALLOWED}: its own code, because "not on the allow-list" would send the
 *       caller looking in the wrong place), the host normalised and matched against the tenant's
 *       list and {@code SP_HEL_ALLOWLIST} ({@code HEL_HOST_NOT_ALLOWED}), the port ({@code
 *       HEL_PORT_NOT_ALLOWED}).
 *   <li>{@link #resolve}, in the forward worker: one lookup through the given {@link HostResolver}
 *       (none for an IP literal), every answer classified by {@link AddressClass}, and the whole
 *       set denied when any answer is not global ({@code HEL_RESOLVED_*}), or when there is none
 *       ({@code HEL_NO_RESOLUTION}).
 * </ol>
 *
 * <p>The policy resolves once per decision. Its answer is only safe if the forwarder connects to
 * {@link Resolution.Allowed#pinned} and never looks the name up again: a DNS server that answers a
 * public address now and 127.0.0.1 a moment later (rebinding) would otherwise win.
 *
 * <p>The development switch {@code SP_HEL_ALLOW_HTTP_LOOPBACK} marks a target whose host is a
 * loopback literal or {@code localhost}: it may use http, and it must resolve to loopback only.
 */
public final class EgressPolicy {

  private static final String LOCALHOST = "localhost";

  private EgressPolicy() {}

  /**
   * Every check that needs no DNS.
   *
   * @param url the forward URL as the caller sent it
   * @param tenantAllowlist the tenant's own {@code allowlist} (checked when the keys are read); an
   *     entry that does not parse matches nothing
   */
  public static Precheck precheck(
      String url, List<String> tenantAllowlist, EgressSettings settings) {
    StrictUrl parsed;
    try {
      parsed = StrictUrl.parse(url);
    } catch (IllegalArgumentException e) {
      return new Denied(ErrorCode.HEL_URL_INVALID, e.getMessage());
    }
    String scheme = parsed.scheme();
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return new Denied(ErrorCode.HEL_SCHEME_NOT_HTTPS, "scheme '" + scheme + "' is not https");
    }
    if (parsed.userinfo()) {
      return new Denied(ErrorCode.HEL_USERINFO_NOT_ALLOWED, "URL carries user information (@)");
    }
    HostName host;
    try {
      host = HostName.parse(parsed.host());
    } catch (IllegalArgumentException e) {
      return new Denied(ErrorCode.HEL_URL_INVALID, e.getMessage());
    }
    boolean developmentLoopback = settings.allowHttpLoopback() && isLoopbackHost(host);
    if (scheme.equals("http") && !developmentLoopback) {
      return new Denied(
          ErrorCode.HEL_SCHEME_NOT_HTTPS,
          settings.allowHttpLoopback()
              ? "http is allowed to loopback only"
              : "scheme 'http' is not https");
    }
    if (!isAllowed(host, tenantAllowlist, settings.allowlist())) {
      return new Denied(
          ErrorCode.HEL_HOST_NOT_ALLOWED, "host '" + host.ascii() + "' is not on the allow-list");
    }
    int port = parsed.port() < 0 ? defaultPort(scheme) : parsed.port();
    if (!settings.ports().contains(port)) {
      return new Denied(ErrorCode.HEL_PORT_NOT_ALLOWED, "port " + port + " is not allowed");
    }
    return new Precheck.Checked(
        new EgressTarget(
            scheme,
            host.ascii(),
            host.literal(),
            port,
            parsed.pathAndQuery(),
            developmentLoopback));
  }

  /**
   * Resolves the target once and decides on the whole answer set; an IP literal is not looked up.
   * Blocking when the resolver is: call it off the stream threads.
   */
  public static Resolution resolve(EgressTarget target, HostResolver resolver) {
    List<InetAddress> answers;
    if (target.ipLiteral()) {
      answers = List.of(target.literal());
    } else {
      try {
        answers = resolver.resolve(target.host());
      } catch (UnknownHostException e) {
        return new Denied(
            ErrorCode.HEL_NO_RESOLUTION, "host '" + target.host() + "' does not resolve");
      }
      if (answers == null || answers.isEmpty()) {
        return new Denied(
            ErrorCode.HEL_NO_RESOLUTION, "host '" + target.host() + "' has no addresses");
      }
    }
    for (InetAddress answer : answers) {
      AddressClass type = AddressClass.of(answer);
      if (target.developmentLoopback() && type == AddressClass.LOOPBACK) {
        continue;
      }
      if (target.developmentLoopback() && target.scheme().equals("http")) {
        return new Denied(
            ErrorCode.HEL_SCHEME_NOT_HTTPS,
            "http is allowed to loopback only; '"
                + target.host()
                + "' resolved to "
                + answer.getHostAddress());
      }
      if (!type.isGlobal()) {
        return new Denied(
            type.code(),
            "host '"
                + target.host()
                + "' resolved to "
                + answer.getHostAddress()
                + " ("
                + type
                + ")");
      }
    }
    return new Resolution.Allowed(target, answers, answers.get(0));
  }

  static int defaultPort(String scheme) {
    return scheme.equals("http") ? 80 : 443;
  }

  private static boolean isLoopbackHost(HostName host) {
    return host.isLiteral()
        ? AddressClass.of(host.literal()) == AddressClass.LOOPBACK
        : host.ascii().equals(LOCALHOST);
  }

  private static boolean isAllowed(
      HostName host, List<String> tenantAllowlist, List<HostPattern> global) {
    for (HostPattern pattern : global) {
      if (pattern.matches(host)) {
        return true;
      }
    }
    for (String entry : tenantAllowlist) {
      HostPattern pattern;
      try {
        pattern = HostPattern.parse(entry);
      } catch (IllegalArgumentException e) {
        // SP_API_KEYS parsing refuses such an entry; one in a table announced before it did
        // allows nothing.
        continue;
      }
      if (pattern.matches(host)) {
        return true;
      }
    }
    return false;
  }
}
