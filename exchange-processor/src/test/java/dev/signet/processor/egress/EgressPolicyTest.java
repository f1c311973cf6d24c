package dev.signet.processor.egress;

import static dev.signet.core.error.ErrorCode.HEL_HOST_NOT_ALLOWED;
import static dev.signet.core.error.ErrorCode.HEL_NO_RESOLUTION;
import static dev.signet.core.error.ErrorCode.HEL_PORT_NOT_ALLOWED;
import static dev.signet.core.error.ErrorCode.HEL_RESOLVED_LINKLOCAL;
import static dev.signet.core.error.ErrorCode.HEL_RESOLVED_LOOPBACK;
import static dev.signet.core.error.ErrorCode.HEL_RESOLVED_PRIVATE;
import static dev.signet.core.error.ErrorCode.HEL_RESOLVED_RESERVED;
import static dev.signet.core.error.ErrorCode.HEL_SCHEME_NOT_HTTPS;
import static dev.signet.core.error.ErrorCode.HEL_URL_INVALID;
import static dev.signet.core.error.ErrorCode.HEL_USERINFO_NOT_ALLOWED;
import static dev.signet.processor.egress.Addresses.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.error.ErrorCode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The egress decision for a matrix of URLs and DNS answer sets, through a stub resolver that
 * records every lookup. A denied precheck must never reach the resolver; an IP literal is never
 * looked up; a name is looked up exactly once per decision.
 */
class EgressPolicyTest {

  /** Listed for every tenant; the loopback and private literals prove listing is not enough. */
  private static final EgressSettings STANDARD =
      EgressSettings.fromEnvironment(
          Map.of(
              EgressSettings.ALLOWLIST,
              "api.example.com, *.hooks.example.net, bücher.example, 8.8.8.8,"
                  + " 2606:4700:4700::1111, 127.0.0.1, [::1], 10.1.2.3, 169.254.169.254,"
                  + " localhost"));

  private static final EgressSettings WIDE_PORTS =
      new EgressSettings(
          STANDARD.allowlist(),
          java.util.Set.of(443, 8443),
          false,
          STANDARD.connectTimeout(),
          STANDARD.readTimeout(),
          STANDARD.totalTimeout(),
          STANDARD.maxResponseBytes(),
          STANDARD.concurrency(),
          STANDARD.perHostConcurrency(),
          STANDARD.perTenantConcurrency());

  private static final EgressSettings DEVELOPMENT =
      EgressSettings.fromEnvironment(
          Map.of(
              EgressSettings.ALLOWLIST,
              "localhost, 127.0.0.1, [::1], api.example.com, *.hooks.example.net",
              EgressSettings.PORTS,
              "443, 8080",
              EgressSettings.ALLOW_HTTP_LOOPBACK,
              "true"));

  private static final List<String> TENANT_ALLOWLIST = List.of("tenant.example.org", "not a host");

  /** The stub DNS: every name a case may look up, and what it answers. */
  private static final Map<String, List<InetAddress>> DNS = new HashMap<>();

  static {
    answer("api.example.com", "93.184.216.34");
    answer("xn--bcher-kva.example", "93.184.216.36");
    answer("tenant.example.org", "2606:2800:220:1:248:1893:25c8:1946");
    answer("a.hooks.example.net", "93.184.216.35");
    answer("deep.a.hooks.example.net", "93.184.216.37");
    answer("two.hooks.example.net", "93.184.216.38", "2606:2800:220::1");
    answer("mapped-global.hooks.example.net", "::ffff:8.8.8.8");
    answer("nat64-global.hooks.example.net", "64:ff9b::808:808");
    answer("6to4-global.hooks.example.net", "2002:808:808::1");
    answer("rfc1918-10.hooks.example.net", "10.0.0.1");
    answer("rfc1918-172.hooks.example.net", "172.16.0.1");
    answer("rfc1918-192.hooks.example.net", "192.168.1.1");
    answer("cgnat.hooks.example.net", "100.64.0.1");
    answer("loopback.hooks.example.net", "127.0.0.1");
    answer("loopback-high.hooks.example.net", "127.255.255.254");
    answer("metadata.hooks.example.net", "169.254.169.254");
    answer("metadata6.hooks.example.net", "fd00:ec2::254");
    answer("loopback6.hooks.example.net", "::1");
    answer("linklocal6.hooks.example.net", "fe80::1");
    answer("ula.hooks.example.net", "fd12:3456::1");
    answer("sitelocal.hooks.example.net", "fec0::1");
    answer("zero.hooks.example.net", "0.0.0.0");
    answer("multicast.hooks.example.net", "224.0.0.1");
    answer("multicast6.hooks.example.net", "ff02::1");
    answer("broadcast.hooks.example.net", "255.255.255.255");
    answer("class-e.hooks.example.net", "240.0.0.1");
    answer("benchmark.hooks.example.net", "198.18.0.1");
    answer("doc.hooks.example.net", "192.0.2.1");
    answer("doc6.hooks.example.net", "2001:db8::1");
    answer("ietf.hooks.example.net", "192.0.0.8");
    answer("unspecified6.hooks.example.net", "::");
    answer("mapped-loopback.hooks.example.net", "::ffff:127.0.0.1");
    answer("mapped-private.hooks.example.net", "::ffff:192.168.0.1");
    answer("compat-loopback.hooks.example.net", "::127.0.0.1");
    answer("nat64-private.hooks.example.net", "64:ff9b::a00:1");
    answer("nat64-local.hooks.example.net", "64:ff9b:1::808:808");
    answer("6to4-loopback.hooks.example.net", "2002:7f00:1::1");
    answer("6to4-private.hooks.example.net", "2002:c0a8:101::1");
    answer("teredo-private.hooks.example.net", "2001:0:4136:e378:8000:63bf:f5ff:fffe");
    answer("teredo-global.hooks.example.net", "2001:0:4136:e378:8000:63bf:f7f7:f7f7");
    answer("mixed-private.hooks.example.net", "93.184.216.34", "10.0.0.1");
    answer("mixed-loopback6.hooks.example.net", "2606:2800:220::1", "::1");
    answer("mixed-last-linklocal.hooks.example.net", "93.184.216.34", "8.8.4.4", "fe80::2");
    answer("empty.hooks.example.net");
    answer("localhost", "127.0.0.1", "::1");
    answer("localhost-public.hooks.example.net", "93.184.216.34");
  }

  private static void answer(String host, String... addresses) {
    DNS.put(host, Arrays.stream(addresses).map(Addresses::ip).toList());
  }

  /** A row: URL, settings, and the code expected (null: allowed, pinned and url then checked). */
  private record Case(
      String url, EgressSettings settings, ErrorCode code, String pinned, String normalised) {}

  private static Arguments deny(String name, String url, ErrorCode code) {
    return deny(name, url, STANDARD, code);
  }

  private static Arguments deny(String name, String url, EgressSettings settings, ErrorCode code) {
    return Arguments.of(Named.of(name, new Case(url, settings, code, null, null)));
  }

  private static Arguments allow(String name, String url, String pinned, String normalised) {
    return allow(name, url, STANDARD, pinned, normalised);
  }

  private static Arguments allow(
      String name, String url, EgressSettings settings, String pinned, String normalised) {
    return Arguments.of(Named.of(name, new Case(url, settings, null, pinned, normalised)));
  }

  static Stream<Arguments> matrix() {
    return Stream.of(
        // Allowed: normalisation of case, trailing dot, default port, empty path, IDNA.
        allow("plain name", "https://api.example.com/hook", "93.184.216.34", null),
        allow(
            "scheme and host case folded",
            "HTTPS://API.Example.COM/Path?q=A",
            "93.184.216.34",
            "https://api.example.com/Path?q=A"),
        allow(
            "trailing dot dropped",
            "https://api.example.com./x",
            "93.184.216.34",
            "https://api.example.com/x"),
        allow(
            "explicit default port dropped",
            "https://api.example.com:443/x",
            "93.184.216.34",
            "https://api.example.com/x"),
        allow(
            "port with leading zero",
            "https://api.example.com:0443/x",
            "93.184.216.34",
            "https://api.example.com/x"),
        allow(
            "empty path becomes /",
            "https://api.example.com",
            "93.184.216.34",
            "https://api.example.com/"),
        allow(
            "query without path",
            "https://api.example.com?a=1&b=%2F",
            "93.184.216.34",
            "https://api.example.com/?a=1&b=%2F"),
        allow(
            "unicode name listed as unicode",
            "https://bücher.example/",
            "93.184.216.36",
            "https://xn--bcher-kva.example/"),
        allow(
            "punycode name matches unicode entry",
            "https://xn--bcher-kva.example/",
            "93.184.216.36",
            "https://xn--bcher-kva.example/"),
        allow(
            "upper-case unicode name",
            "https://BÜCHER.EXAMPLE/",
            "93.184.216.36",
            "https://xn--bcher-kva.example/"),
        allow(
            "ideographic full stop as dot",
            "https://api\u3002example\u3002com/",
            "93.184.216.34",
            "https://api.example.com/"),
        allow("wildcard one label", "https://a.hooks.example.net/", "93.184.216.35", null),
        allow("wildcard two labels", "https://deep.a.hooks.example.net/", "93.184.216.37", null),
        allow(
            "wildcard with trailing dot",
            "https://A.Hooks.Example.Net./",
            "93.184.216.35",
            "https://a.hooks.example.net/"),
        allow(
            "tenant allow-list, IPv6 answer",
            "https://tenant.example.org/in",
            "2606:2800:220:1:248:1893:25c8:1946",
            null),
        allow(
            "two global answers pin the first",
            "https://two.hooks.example.net/",
            "93.184.216.38",
            null),
        allow(
            "IPv4-mapped global answer",
            "https://mapped-global.hooks.example.net/",
            "::ffff:8.8.8.8",
            null),
        allow(
            "NAT64 global answer",
            "https://nat64-global.hooks.example.net/",
            "64:ff9b::808:808",
            null),
        allow(
            "6to4 global answer",
            "https://6to4-global.hooks.example.net/",
            "2002:808:808::1",
            null),
        allow("listed IPv4 literal", "https://8.8.8.8/", "8.8.8.8", "https://8.8.8.8/"),
        allow("listed IPv4 as decimal", "https://134744072/", "8.8.8.8", "https://8.8.8.8/"),
        allow("listed IPv4 as hex", "https://0x08080808/", "8.8.8.8", "https://8.8.8.8/"),
        allow("listed IPv4 short form", "https://8.8.2056/", "8.8.8.8", "https://8.8.8.8/"),
        allow(
            "listed IPv6 literal",
            "https://[2606:4700:4700::1111]/",
            "2606:4700:4700::1111",
            "https://[2606:4700:4700::1111]/"),
        allow(
            "IPv6 literal written long, normalised",
            "https://[2606:4700:4700:0:0:0:0:1111]:443/x",
            "2606:4700:4700::1111",
            "https://[2606:4700:4700::1111]/x"),
        allow(
            "IPv6 literal zero-padded",
            "https://[2606:4700:4700:0000:0000:0000:0000:1111]/",
            "2606:4700:4700::1111",
            "https://[2606:4700:4700::1111]/"),
        allow(
            "configured extra port kept in url",
            "https://api.example.com:8443/x",
            WIDE_PORTS,
            "93.184.216.34",
            "https://api.example.com:8443/x"),
        // Development switch: http to loopback only, and loopback answers only for it.
        allow(
            "dev: http to loopback literal",
            "http://127.0.0.1:8080/hook",
            DEVELOPMENT,
            "127.0.0.1",
            "http://127.0.0.1:8080/hook"),
        allow(
            "dev: http to localhost",
            "http://localhost:8080/hook",
            DEVELOPMENT,
            "127.0.0.1",
            "http://localhost:8080/hook"),
        allow("dev: http to [::1]", "http://[::1]:8080/", DEVELOPMENT, "::1", "http://[::1]:8080/"),
        allow("dev: https to localhost", "https://localhost/", DEVELOPMENT, "127.0.0.1", null),
        deny(
            "dev: http to a public name",
            "http://api.example.com:8080/",
            DEVELOPMENT,
            HEL_SCHEME_NOT_HTTPS),
        deny(
            "dev: http to an unlisted loopback",
            "http://127.0.0.2:8080/",
            DEVELOPMENT,
            HEL_HOST_NOT_ALLOWED),
        deny(
            "dev: http port still checked", "http://localhost/", DEVELOPMENT, HEL_PORT_NOT_ALLOWED),
        deny(
            "dev: still no loopback for other hosts",
            "https://loopback.hooks.example.net/",
            DEVELOPMENT,
            HEL_RESOLVED_LOOPBACK),
        deny("http without the switch", "http://api.example.com/", HEL_SCHEME_NOT_HTTPS),
        deny("http to loopback without the switch", "http://127.0.0.1/", HEL_SCHEME_NOT_HTTPS),
        deny("https to localhost without the switch", "https://localhost/", HEL_RESOLVED_LOOPBACK),
        // Scheme.
        deny("ftp", "ftp://api.example.com/", HEL_SCHEME_NOT_HTTPS),
        deny("file", "file:///etc/passwd", HEL_SCHEME_NOT_HTTPS),
        deny("gopher", "gopher://api.example.com:70/_x", HEL_SCHEME_NOT_HTTPS),
        deny("ws", "wss://api.example.com/", HEL_SCHEME_NOT_HTTPS),
        deny("no authority", "javascript:alert(1)", HEL_URL_INVALID),
        deny("scheme-relative", "//api.example.com/", HEL_URL_INVALID),
        deny("no scheme", "api.example.com/x", HEL_URL_INVALID),
        deny("single slash", "https:/api.example.com/", HEL_URL_INVALID),
        // Userinfo, however disguised.
        deny("user", "https://user@api.example.com/", HEL_USERINFO_NOT_ALLOWED),
        deny("user and password", "https://u:p@api.example.com/", HEL_USERINFO_NOT_ALLOWED),
        deny(
            "allowed name as userinfo",
            "https://api.example.com@evil.test/",
            HEL_USERINFO_NOT_ALLOWED),
        deny(
            "allowed name after userinfo",
            "https://evil.test@api.example.com/",
            HEL_USERINFO_NOT_ALLOWED),
        deny("empty userinfo", "https://@api.example.com/", HEL_USERINFO_NOT_ALLOWED),
        // Syntax a lenient parser would read differently.
        deny("empty", "", HEL_URL_INVALID),
        deny("leading space", " https://api.example.com/", HEL_URL_INVALID),
        deny("tab in host", "https://api.exa\tmple.com/", HEL_URL_INVALID),
        deny("space in path", "https://api.example.com/a b", HEL_URL_INVALID),
        deny("backslash authority", "https://evil.test\\@api.example.com/", HEL_URL_INVALID),
        deny("fragment", "https://api.example.com/#x", HEL_URL_INVALID),
        deny("fragment hiding userinfo", "https://evil.test#@api.example.com/", HEL_URL_INVALID),
        deny("bad percent escape", "https://api.example.com/%zz", HEL_URL_INVALID),
        deny("raw non-ASCII in path", "https://api.example.com/bücher", HEL_URL_INVALID),
        deny("percent-encoded host", "https://api%2eexample.com/", HEL_URL_INVALID),
        deny("empty host", "https:///x", HEL_URL_INVALID),
        deny("empty port", "https://api.example.com:/", HEL_URL_INVALID),
        deny("port zero", "https://api.example.com:0/", HEL_URL_INVALID),
        deny("port too large", "https://api.example.com:65536/", HEL_URL_INVALID),
        deny("port not a number", "https://api.example.com:44a3/", HEL_URL_INVALID),
        deny("two ports", "https://api.example.com:443:443/", HEL_URL_INVALID),
        deny("double dot", "https://api..example.com/", HEL_URL_INVALID),
        deny("two trailing dots", "https://api.example.com../", HEL_URL_INVALID),
        deny("leading hyphen", "https://-api.example.com/", HEL_URL_INVALID),
        deny("underscore", "https://a_b.hooks.example.net/", HEL_URL_INVALID),
        deny("bad punycode", "https://xn--zz.hooks.example.net/", HEL_URL_INVALID),
        deny("full-width solidus", "https://api.example.com\uFF0Fevil/", HEL_URL_INVALID),
        deny("IPv4 byte over 255", "https://1.2.3.256/", HEL_URL_INVALID),
        deny("IPv4 five parts", "https://1.2.3.4.5/", HEL_URL_INVALID),
        deny("name ending in a number", "https://example.123/", HEL_URL_INVALID),
        deny("bad octal digit", "https://08.0.0.1/", HEL_URL_INVALID),
        deny("unclosed bracket", "https://[::1/", HEL_URL_INVALID),
        deny("zone id", "https://[fe80::1%25eth0]/", HEL_URL_INVALID),
        deny("text after bracket", "https://[::1]x/", HEL_URL_INVALID),
        deny("two gaps", "https://[1::2::3]/", HEL_URL_INVALID),
        deny("IPv6 group too long", "https://[2606:4700:4700::11111]/", HEL_URL_INVALID),
        deny("IPv6 bare, no brackets", "https://2606:4700:4700::1111/", HEL_URL_INVALID),
        // Allow-list.
        deny("unlisted name", "https://evil.test/", HEL_HOST_NOT_ALLOWED),
        deny("wildcard apex not listed", "https://hooks.example.net/", HEL_HOST_NOT_ALLOWED),
        deny(
            "wildcard not on a label boundary",
            "https://evilhooks.example.net/",
            HEL_HOST_NOT_ALLOWED),
        deny("listed name as a prefix", "https://api.example.com.evil.test/", HEL_HOST_NOT_ALLOWED),
        deny(
            "exact entry does not cover subdomains",
            "https://a.api.example.com/",
            HEL_HOST_NOT_ALLOWED),
        deny("similar name", "https://api.example.co/", HEL_HOST_NOT_ALLOWED),
        deny("IDN name unlisted", "https://bücher.example.evil/", HEL_HOST_NOT_ALLOWED),
        deny("unlisted IPv4 literal", "https://1.1.1.1/", HEL_HOST_NOT_ALLOWED),
        deny("unlisted loopback literal", "https://127.0.0.2/", HEL_HOST_NOT_ALLOWED),
        deny(
            "mapped literal is not the listed IPv4",
            "https://[::ffff:127.0.0.1]/",
            HEL_HOST_NOT_ALLOWED),
        deny("unlisted IPv6 literal", "https://[2606:4700:4700::1001]/", HEL_HOST_NOT_ALLOWED),
        // Ports.
        deny("unlisted port", "https://api.example.com:8443/", HEL_PORT_NOT_ALLOWED),
        deny("port 80 over https", "https://api.example.com:80/", HEL_PORT_NOT_ALLOWED),
        deny("ssh port", "https://api.example.com:22/", HEL_PORT_NOT_ALLOWED),
        // Listed IP literals are still classified, in every spelling, without DNS.
        deny("listed loopback", "https://127.0.0.1/", HEL_RESOLVED_LOOPBACK),
        deny("loopback as decimal", "https://2130706433/", HEL_RESOLVED_LOOPBACK),
        deny("loopback as octal", "https://0177.0.0.1/", HEL_RESOLVED_LOOPBACK),
        deny("loopback as hex", "https://0x7f.1/", HEL_RESOLVED_LOOPBACK),
        deny("loopback short", "https://127.1/", HEL_RESOLVED_LOOPBACK),
        deny("loopback mixed forms", "https://0x7F.0.00.0x1/", HEL_RESOLVED_LOOPBACK),
        deny("loopback trailing dot", "https://127.0.0.1./", HEL_RESOLVED_LOOPBACK),
        deny(
            "loopback full-width digits",
            "https://\uFF11\uFF12\uFF17.0.0.1/",
            HEL_RESOLVED_LOOPBACK),
        deny("IPv6 loopback", "https://[::1]/", HEL_RESOLVED_LOOPBACK),
        deny("IPv6 loopback long", "https://[0:0:0:0:0:0:0:1]/", HEL_RESOLVED_LOOPBACK),
        deny("listed metadata", "https://169.254.169.254/latest/", HEL_RESOLVED_LINKLOCAL),
        deny("metadata as decimal", "https://2852039166/", HEL_RESOLVED_LINKLOCAL),
        deny("metadata as hex parts", "https://0xa9.0xfe.0xa9.0xfe/", HEL_RESOLVED_LINKLOCAL),
        deny("listed private", "https://10.1.2.3/", HEL_RESOLVED_PRIVATE),
        deny("private as octal", "https://012.1.2.3/", HEL_RESOLVED_PRIVATE),
        deny("private short form", "https://10.66051/", HEL_RESOLVED_PRIVATE),
        // DNS answers: any non-global answer denies the whole set.
        deny("10/8", "https://rfc1918-10.hooks.example.net/", HEL_RESOLVED_PRIVATE),
        deny("172.16/12", "https://rfc1918-172.hooks.example.net/", HEL_RESOLVED_PRIVATE),
        deny("192.168/16", "https://rfc1918-192.hooks.example.net/", HEL_RESOLVED_PRIVATE),
        deny("CGNAT", "https://cgnat.hooks.example.net/", HEL_RESOLVED_PRIVATE),
        deny("127/8", "https://loopback.hooks.example.net/", HEL_RESOLVED_LOOPBACK),
        deny("127/8 high", "https://loopback-high.hooks.example.net/", HEL_RESOLVED_LOOPBACK),
        deny("cloud metadata", "https://metadata.hooks.example.net/", HEL_RESOLVED_LINKLOCAL),
        deny("cloud metadata IPv6", "https://metadata6.hooks.example.net/", HEL_RESOLVED_LINKLOCAL),
        deny("::1", "https://loopback6.hooks.example.net/", HEL_RESOLVED_LOOPBACK),
        deny("fe80::/10", "https://linklocal6.hooks.example.net/", HEL_RESOLVED_LINKLOCAL),
        deny("ULA", "https://ula.hooks.example.net/", HEL_RESOLVED_PRIVATE),
        deny("site-local", "https://sitelocal.hooks.example.net/", HEL_RESOLVED_PRIVATE),
        deny("0.0.0.0", "https://zero.hooks.example.net/", HEL_RESOLVED_RESERVED),
        deny("multicast", "https://multicast.hooks.example.net/", HEL_RESOLVED_RESERVED),
        deny("IPv6 multicast", "https://multicast6.hooks.example.net/", HEL_RESOLVED_RESERVED),
        deny("broadcast", "https://broadcast.hooks.example.net/", HEL_RESOLVED_RESERVED),
        deny("240/4", "https://class-e.hooks.example.net/", HEL_RESOLVED_RESERVED),
        deny("benchmarking", "https://benchmark.hooks.example.net/", HEL_RESOLVED_RESERVED),
        deny("documentation", "https://doc.hooks.example.net/", HEL_RESOLVED_RESERVED),
        deny("IPv6 documentation", "https://doc6.hooks.example.net/", HEL_RESOLVED_RESERVED),
        deny("IETF assignments", "https://ietf.hooks.example.net/", HEL_RESOLVED_RESERVED),
        deny("IPv6 unspecified", "https://unspecified6.hooks.example.net/", HEL_RESOLVED_RESERVED),
        deny(
            "IPv4-mapped loopback",
            "https://mapped-loopback.hooks.example.net/",
            HEL_RESOLVED_LOOPBACK),
        deny(
            "IPv4-mapped private",
            "https://mapped-private.hooks.example.net/",
            HEL_RESOLVED_PRIVATE),
        deny(
            "IPv4-compatible loopback",
            "https://compat-loopback.hooks.example.net/",
            HEL_RESOLVED_LOOPBACK),
        deny("NAT64 private", "https://nat64-private.hooks.example.net/", HEL_RESOLVED_PRIVATE),
        deny(
            "NAT64 local-use prefix",
            "https://nat64-local.hooks.example.net/",
            HEL_RESOLVED_PRIVATE),
        deny("6to4 loopback", "https://6to4-loopback.hooks.example.net/", HEL_RESOLVED_LOOPBACK),
        deny("6to4 private", "https://6to4-private.hooks.example.net/", HEL_RESOLVED_PRIVATE),
        deny(
            "Teredo private client",
            "https://teredo-private.hooks.example.net/",
            HEL_RESOLVED_PRIVATE),
        deny(
            "Teredo global client",
            "https://teredo-global.hooks.example.net/",
            HEL_RESOLVED_RESERVED),
        deny(
            "public then private",
            "https://mixed-private.hooks.example.net/",
            HEL_RESOLVED_PRIVATE),
        deny(
            "public IPv6 then ::1",
            "https://mixed-loopback6.hooks.example.net/",
            HEL_RESOLVED_LOOPBACK),
        deny(
            "non-global last of three",
            "https://mixed-last-linklocal.hooks.example.net/",
            HEL_RESOLVED_LINKLOCAL),
        deny("no such name", "https://missing.hooks.example.net/", HEL_NO_RESOLUTION),
        deny("empty answer", "https://empty.hooks.example.net/", HEL_NO_RESOLUTION),
        deny(
            "dev: http to a public wildcard name",
            "http://localhost-public.hooks.example.net:8080/",
            DEVELOPMENT,
            HEL_SCHEME_NOT_HTTPS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matrix")
  void shouldDecideEveryUrlOfTheMatrix(Case row) throws Exception {
    RecordingResolver resolver = new RecordingResolver();

    Precheck precheck = EgressPolicy.precheck(row.url(), TENANT_ALLOWLIST, row.settings());

    if (precheck instanceof Denied denied) {
      assertThat(denied.code()).as(denied.detail()).isEqualTo(row.code());
      assertThat(resolver.lookups).as("a denied precheck never resolves").isEmpty();
      return;
    }
    EgressTarget target = ((Precheck.Checked) precheck).target();
    Resolution resolution = EgressPolicy.resolve(target, resolver);

    assertThat(resolver.lookups)
        .as("one lookup per decision, none for an IP literal")
        .isEqualTo(target.ipLiteral() ? List.of() : List.of(target.host()));
    if (row.code() != null) {
      assertThat(resolution).isInstanceOf(Denied.class);
      assertThat(((Denied) resolution).code())
          .as(((Denied) resolution).detail())
          .isEqualTo(row.code());
      return;
    }
    assertThat(resolution)
        .as("expected allowed, got %s", resolution)
        .isInstanceOf(Resolution.Allowed.class);
    Resolution.Allowed allowed = (Resolution.Allowed) resolution;
    assertThat(allowed.pinned()).isEqualTo(ip(row.pinned()));
    assertThat(allowed.answers())
        .isEqualTo(target.ipLiteral() ? List.of(target.literal()) : DNS.get(target.host()));
    if (row.normalised() != null) {
      assertThat(target.url()).isEqualTo(row.normalised());
    }
  }

  @Test
  void shouldRefuseHttpToLocalhostWhenItResolvesToAPublicAddress() {
    Precheck precheck = EgressPolicy.precheck("http://localhost:8080/", List.of(), DEVELOPMENT);
    EgressTarget target = ((Precheck.Checked) precheck).target();

    Resolution resolution = EgressPolicy.resolve(target, host -> List.of(ip("93.184.216.34")));

    assertThat(((Denied) resolution).code()).isEqualTo(HEL_SCHEME_NOT_HTTPS);
  }

  @Test
  void shouldRefuseADevelopmentLoopbackTargetThatResolvesToAPrivateAddress() {
    Precheck precheck = EgressPolicy.precheck("https://localhost/", List.of(), DEVELOPMENT);
    EgressTarget target = ((Precheck.Checked) precheck).target();

    Resolution resolution = EgressPolicy.resolve(target, host -> List.of(ip("10.0.0.1")));

    assertThat(((Denied) resolution).code()).isEqualTo(HEL_RESOLVED_PRIVATE);
  }

  @Test
  void shouldNotBuildAnHttpTargetOutsideDevelopmentLoopback() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new EgressTarget("http", "api.example.com", null, 80, "/", false));
  }

  @Test
  void shouldPinTheFirstAnswerOfTheOneLookupWhenTheNameLaterRebindsToLoopback() throws Exception {
    // A rebinding DNS server: a public address first, loopback on every later lookup.
    Deque<List<InetAddress>> answers =
        new ArrayDeque<>(List.of(List.of(ip("93.184.216.34")), List.of(ip("127.0.0.1"))));
    List<String> lookups = new ArrayList<>();
    HostResolver rebinding =
        host -> {
          lookups.add(host);
          return answers.size() > 1 ? answers.poll() : answers.peek();
        };
    EgressTarget target = checked("https://a.hooks.example.net/");

    Resolution first = EgressPolicy.resolve(target, rebinding);

    // The decision looked up once and pinned what it checked: the forwarder must dial this
    // address and never resolve again, or the second answer (loopback) would be the one dialled.
    assertThat(lookups).containsExactly("a.hooks.example.net");
    assertThat(first).isInstanceOf(Resolution.Allowed.class);
    assertThat(((Resolution.Allowed) first).pinned()).isEqualTo(ip("93.184.216.34"));

    Resolution second = EgressPolicy.resolve(target, rebinding);

    assertThat(lookups).hasSize(2);
    assertThat(second).isInstanceOf(Denied.class);
    assertThat(((Denied) second).code()).isEqualTo(HEL_RESOLVED_LOOPBACK);
  }

  @Test
  void shouldReportUnknownHostAsNoResolutionWithoutThrowing() {
    EgressTarget target = checked("https://a.hooks.example.net/");

    Resolution resolution =
        EgressPolicy.resolve(
            target,
            host -> {
              throw new UnknownHostException(host);
            });

    assertThat(resolution)
        .isEqualTo(new Denied(HEL_NO_RESOLUTION, "host 'a.hooks.example.net' does not resolve"));
  }

  @Test
  void shouldTreatANullAnswerAsNoResolution() {
    Resolution resolution =
        EgressPolicy.resolve(checked("https://a.hooks.example.net/"), host -> null);

    assertThat(((Denied) resolution).code()).isEqualTo(HEL_NO_RESOLUTION);
  }

  @Test
  void shouldAllowNothingWithDefaultSettingsAndAnEmptyTenantList() {
    Precheck precheck =
        EgressPolicy.precheck("https://api.example.com/", List.of(), EgressSettings.defaults());

    assertThat(((Denied) precheck).code()).isEqualTo(HEL_HOST_NOT_ALLOWED);
  }

  @Test
  void shouldRefuseAnOverlongUrl() {
    String url = "https://api.example.com/" + "a".repeat(StrictUrl.MAX_LENGTH);

    Precheck precheck = EgressPolicy.precheck(url, List.of(), STANDARD);

    assertThat(((Denied) precheck).code()).isEqualTo(HEL_URL_INVALID);
  }

  private static EgressTarget checked(String url) {
    return ((Precheck.Checked) EgressPolicy.precheck(url, TENANT_ALLOWLIST, STANDARD)).target();
  }

  /** Answers from {@link #DNS} and records every lookup. */
  private static final class RecordingResolver implements HostResolver {
    final List<String> lookups = new ArrayList<>();

    @Override
    public List<InetAddress> resolve(String asciiHost) throws UnknownHostException {
      lookups.add(asciiHost);
      List<InetAddress> answer = DNS.get(asciiHost);
      if (answer == null) {
        throw new UnknownHostException(asciiHost);
      }
      return answer;
    }
  }
}
