package dev.signet.processor.egress;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of the pinned dial.
 *
 * @param connectTimeout bounds the TCP connect and, separately, the TLS handshake
 * @param readTimeout the longest wait for the response to start and between reads of it
 * @param totalTimeout the whole forward, from leasing a connection to the last body byte; the
 *     request is cancelled when it passes
 * @param maxResponseBytes the response body bytes read at most
 * @param maxConnectionsTotal pooled connections across all targets
 * @param maxConnectionsPerRoute pooled connections per (scheme, pinned address, host, port)
 */
public record ForwarderSettings(
    Duration connectTimeout,
    Duration readTimeout,
    Duration totalTimeout,
    long maxResponseBytes,
    int maxConnectionsTotal,
    int maxConnectionsPerRoute) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofSeconds(15);
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_CONNECTIONS_TOTAL = 32;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ROUTE = 8;

  public ForwarderSettings {
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("readTimeout", readTimeout);
    requirePositive("totalTimeout", totalTimeout);
    if (maxResponseBytes < 0) {
      throw new IllegalArgumentException("maxResponseBytes must not be negative");
    }
    if (maxConnectionsTotal < 1 || maxConnectionsPerRoute < 1) {
      throw new IllegalArgumentException("connection limits must be at least 1");
    }
    if (maxConnectionsPerRoute > maxConnectionsTotal) {
      throw new IllegalArgumentException(
          "maxConnectionsPerRoute must not exceed maxConnectionsTotal");
    }
  }

  /** The documented defaults: 5 s, 10 s, 15 s, 1 MiB, 32 connections, 8 per route. */
  /** The dial's part of the forwarding settings ({@code SP_HEL_*}). */
  public static ForwarderSettings of(EgressSettings egress) {
    return new ForwarderSettings(
        egress.connectTimeout(),
        egress.readTimeout(),
        egress.totalTimeout(),
        egress.maxResponseBytes(),
        egress.concurrency(),
        egress.perHostConcurrency());
  }

  public static ForwarderSettings defaults() {
    return new ForwarderSettings(
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_READ_TIMEOUT,
        DEFAULT_TOTAL_TIMEOUT,
        DEFAULT_MAX_RESPONSE_BYTES,
        DEFAULT_MAX_CONNECTIONS_TOTAL,
        DEFAULT_MAX_CONNECTIONS_PER_ROUTE);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be more than 0, got " + value);
    }
  }
}
