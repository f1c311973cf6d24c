package dev.signet.processor.egress;

import dev.signet.core.config.Env;
import dev.signet.core.host.HostPattern;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Egress (HEL forwarding) settings, from the {@code SP_HEL_*} environment.
 *
 * @param allowlist hosts every tenant may forward to ({@code SP_HEL_ALLOWLIST}, comma-separated),
 *     in addition to each tenant's own {@code allowlist}; empty by default
 * @param ports the ports a forward may use ({@code SP_HEL_PORTS}, comma-separated, default 443)
 * @param allowHttpLoopback development only ({@code SP_HEL_ALLOW_HTTP_LOOPBACK}, default false):
 *     lets {@code http://} to a loopback IP literal or {@code localhost} through, and loopback
 *     answers for it. The host must still be on an allow-list and the port allowed.
 * @param connectTimeout {@code SP_HEL_CONNECT_TIMEOUT}, default 5 s
 * @param readTimeout {@code SP_HEL_READ_TIMEOUT}, default 10 s
 * @param totalTimeout {@code SP_HEL_TOTAL_TIMEOUT}, default 15 s, at least the connect timeout
 * @param maxResponseBytes {@code SP_HEL_MAX_RESPONSE_BYTES}, default 1 MiB: the response is read up
 *     to this many bytes
 * @param concurrency {@code SP_HEL_CONCURRENCY}, default 32: forwards in flight per worker
 * @param perHostConcurrency {@code SP_HEL_PER_HOST_CONCURRENCY}, default 8, at most {@code
 *     concurrency}
 * @param perTenantConcurrency {@code SP_HEL_PER_TENANT_CONCURRENCY}, default 16, at most {@code
 *     concurrency}: one tenant's forwards cannot hold every slot
 */
public record EgressSettings(
    List<HostPattern> allowlist,
    Set<Integer> ports,
    boolean allowHttpLoopback,
    Duration connectTimeout,
    Duration readTimeout,
    Duration totalTimeout,
    long maxResponseBytes,
    int concurrency,
    int perHostConcurrency,
    int perTenantConcurrency) {

  public static final String ALLOWLIST = "SP_HEL_ALLOWLIST";
  public static final String PORTS = "SP_HEL_PORTS";
  public static final String ALLOW_HTTP_LOOPBACK = "SP_HEL_ALLOW_HTTP_LOOPBACK";
  public static final String CONNECT_TIMEOUT = "SP_HEL_CONNECT_TIMEOUT";
  public static final String READ_TIMEOUT = "SP_HEL_READ_TIMEOUT";
  public static final String TOTAL_TIMEOUT = "SP_HEL_TOTAL_TIMEOUT";
  public static final String MAX_RESPONSE_BYTES = "SP_HEL_MAX_RESPONSE_BYTES";
  public static final String CONCURRENCY = "SP_HEL_CONCURRENCY";
  public static final String PER_HOST_CONCURRENCY = "SP_HEL_PER_HOST_CONCURRENCY";
  public static final String PER_TENANT_CONCURRENCY = "SP_HEL_PER_TENANT_CONCURRENCY";

  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofSeconds(15);
  static final long DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
  static final int DEFAULT_CONCURRENCY = 32;
  static final int DEFAULT_PER_HOST_CONCURRENCY = 8;
  static final int DEFAULT_PER_TENANT_CONCURRENCY = 16;

  // Bounds that catch typos (a timeout in milliseconds, a size in bits) at start-up.
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
  private static final long MAX_MAX_RESPONSE_BYTES = 256L * 1024 * 1024;
  private static final int MAX_CONCURRENCY = 1024;

  public EgressSettings {
    allowlist = List.copyOf(allowlist);
    ports = Set.copyOf(ports);
    if (ports.isEmpty()) {
      throw new IllegalArgumentException(PORTS + " must name at least one port");
    }
    for (int port : ports) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(PORTS + " must hold ports in 1..65535, got " + port);
      }
    }
    requireTimeout(CONNECT_TIMEOUT, connectTimeout);
    requireTimeout(READ_TIMEOUT, readTimeout);
    requireTimeout(TOTAL_TIMEOUT, totalTimeout);
    if (totalTimeout.compareTo(connectTimeout) < 0) {
      throw new IllegalArgumentException(
          TOTAL_TIMEOUT
              + " ("
              + totalTimeout
              + ") must be at least "
              + CONNECT_TIMEOUT
              + " ("
              + connectTimeout
              + ")");
    }
    if (maxResponseBytes < 1 || maxResponseBytes > MAX_MAX_RESPONSE_BYTES) {
      throw new IllegalArgumentException(
          MAX_RESPONSE_BYTES
              + " must be within 1.."
              + MAX_MAX_RESPONSE_BYTES
              + ", got "
              + maxResponseBytes);
    }
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new IllegalArgumentException(
          CONCURRENCY + " must be within 1.." + MAX_CONCURRENCY + ", got " + concurrency);
    }
    if (perHostConcurrency < 1 || perHostConcurrency > concurrency) {
      throw new IllegalArgumentException(
          PER_HOST_CONCURRENCY
              + " must be within 1.."
              + concurrency
              + " ("
              + CONCURRENCY
              + "), got "
              + perHostConcurrency);
    }
    if (perTenantConcurrency < 1 || perTenantConcurrency > concurrency) {
      throw new IllegalArgumentException(
          PER_TENANT_CONCURRENCY
              + " must be within 1.."
              + concurrency
              + " ("
              + CONCURRENCY
              + "), got "
              + perTenantConcurrency);
    }
  }

  /** Reads the {@code SP_HEL_*} names; unset or blank names take their defaults. */
  public static EgressSettings fromEnvironment(Map<String, String> variables) {
    Env env = Env.of(variables);
    int concurrency = env.integer(CONCURRENCY, DEFAULT_CONCURRENCY);
    return new EgressSettings(
        allowlist(env.optional(ALLOWLIST)),
        ports(env.optional(PORTS)),
        env.bool(ALLOW_HTTP_LOOPBACK, false),
        duration(CONNECT_TIMEOUT, env.optional(CONNECT_TIMEOUT), DEFAULT_CONNECT_TIMEOUT),
        duration(READ_TIMEOUT, env.optional(READ_TIMEOUT), DEFAULT_READ_TIMEOUT),
        duration(TOTAL_TIMEOUT, env.optional(TOTAL_TIMEOUT), DEFAULT_TOTAL_TIMEOUT),
        bytes(env.optional(MAX_RESPONSE_BYTES)),
        concurrency,
        // The per-host and per-tenant defaults shrink with a smaller pool rather than refuse it.
        env.integer(PER_HOST_CONCURRENCY, Math.min(DEFAULT_PER_HOST_CONCURRENCY, concurrency)),
        env.integer(PER_TENANT_CONCURRENCY, Math.min(DEFAULT_PER_TENANT_CONCURRENCY, concurrency)));
  }

  /** The defaults: nothing allowed beyond tenants' own lists, port 443, https only. */
  public static EgressSettings defaults() {
    return fromEnvironment(Map.of());
  }

  /**
   * Reads a comma-separated allow-list; blank entries are skipped.
   *
   * @throws IllegalArgumentException naming {@code variable} and the entry refused
   */
  static List<HostPattern> allowlist(String csv) {
    List<HostPattern> patterns = new ArrayList<>();
    if (csv == null) {
      return patterns;
    }
    for (String entry : csv.split(",", -1)) {
      if (entry.isBlank()) {
        continue;
      }
      try {
        patterns.add(HostPattern.parse(entry));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            ALLOWLIST
                + " entry refused: "
                + e.getMessage()
                + " (expected a host name, *.domain or"
                + " an IP address)",
            e);
      }
    }
    return patterns;
  }

  private static Set<Integer> ports(String csv) {
    if (csv == null) {
      return Set.of(443);
    }
    Set<Integer> ports = new LinkedHashSet<>();
    for (String entry : csv.split(",", -1)) {
      String text = entry.strip();
      if (text.isEmpty()) {
        continue;
      }
      try {
        ports.add(Integer.parseInt(text));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            PORTS + " must be comma-separated port numbers, got '" + csv + "'", e);
      }
    }
    return ports;
  }

  /** Seconds ({@code 5}, {@code 2.5}) or ISO-8601 ({@code PT5S}). */
  private static Duration duration(String name, String text, Duration fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      if (text.startsWith("P") || text.startsWith("p")) {
        return Duration.parse(text);
      }
      BigDecimal seconds = new BigDecimal(text);
      return Duration.ofNanos(seconds.movePointRight(9).toBigInteger().longValueExact());
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          name + " must be seconds (5, 2.5) or ISO-8601 (PT5S), got '" + text + "'", e);
    }
  }

  private static long bytes(String text) {
    if (text == null) {
      return DEFAULT_MAX_RESPONSE_BYTES;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          MAX_RESPONSE_BYTES + " must be a whole number of bytes, got '" + text + "'", e);
    }
  }

  private static void requireTimeout(String name, Duration timeout) {
    Objects.requireNonNull(timeout, name);
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          name + " must be more than 0 and at most " + MAX_TIMEOUT + ", got " + timeout);
    }
  }
}
