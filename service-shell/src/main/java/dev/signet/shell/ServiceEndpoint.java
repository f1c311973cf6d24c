package dev.signet.shell;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.signet.core.config.Env;
import dev.signet.core.json.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP side of the services that have no web server of their own ({@code processor}, {@code
 * billing}, {@code receipt-store}), on {@code SP_METRICS_PORT} (9404):
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text of the given registry;
 *   <li>{@code GET /healthz/live} (alias {@code /healthz/liveness}): 200 unless a registered check
 *       has failed for good, else 503;
 *   <li>{@code GET /healthz/ready} (aliases {@code /healthz}, {@code /healthz/readiness}): 200 when
 *       at least one check is registered and every check is ready, else 503.
 * </ul>
 *
 * Health bodies are {@code {"status":"UP"|"DOWN","checks":{"<name>":{"status":…,"state":…}}}}. The
 * aliases match the ingress (Spring Boot) paths, so one probe layout fits every service.
 */
public final class ServiceEndpoint implements AutoCloseable {

  public static final int DEFAULT_PORT = 9404;
  static final String PORT_VARIABLE = "SP_METRICS_PORT";

  private final HttpServer server;
  private final PrometheusMeterRegistry registry;
  // Replaced whole on register, so a request reads one consistent set without locking.
  private volatile Map<String, HealthCheck> checks = Map.of();

  private ServiceEndpoint(HttpServer server, PrometheusMeterRegistry registry) {
    this.server = server;
    this.registry = registry;
  }

  /** Serves at once, with no check registered yet: live, not ready. */
  public static ServiceEndpoint start(InetSocketAddress address, PrometheusMeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve /metrics and /healthz on " + address + " (set " + PORT_VARIABLE + ")", e);
    }
    ServiceEndpoint endpoint = new ServiceEndpoint(server, registry);
    server.createContext("/metrics", endpoint::metrics);
    server.createContext("/healthz", endpoint::health);
    server.start();
    return endpoint;
  }

  /** The port from {@code SP_METRICS_PORT}, {@value #DEFAULT_PORT} when unset. */
  public static int port(Map<String, String> environment) {
    return port(Env.of(environment));
  }

  /** As {@link #port(Map)}, through the one environment reader. */
  public static int port(Env environment) {
    return environment.integer(PORT_VARIABLE, DEFAULT_PORT, 1, 65_535);
  }

  /** Adds (or replaces) the check shown as {@code name}; register each part once it has started. */
  public synchronized ServiceEndpoint register(String name, HealthCheck check) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(check, "check");
    Map<String, HealthCheck> next = new LinkedHashMap<>(checks);
    next.put(name, check);
    checks = Collections.unmodifiableMap(next);
    return this;
  }

  /** The bound address; its port is the real one when started on port 0. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  public boolean isLive() {
    return HealthReport.of(Probe.LIVE, checks).up();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void metrics(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestURI().getPath().equals("/metrics")) {
      notFound(exchange);
      return;
    }
    send(
        exchange,
        200,
        "text/plain; version=0.0.4; charset=utf-8",
        registry.scrape().getBytes(StandardCharsets.UTF_8));
  }

  private static void notFound(HttpExchange exchange) throws IOException {
    send(
        exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
  }

  private void health(HttpExchange exchange) throws IOException {
    Probe probe =
        switch (exchange.getRequestURI().getPath()) {
          case "/healthz", "/healthz/ready", "/healthz/readiness" -> Probe.READY;
          case "/healthz/live", "/healthz/liveness" -> Probe.LIVE;
          default -> null;
        };
    if (probe == null) {
      notFound(exchange);
      return;
    }
    HealthReport report = HealthReport.of(probe, checks);
    send(exchange, report.statusCode(), "application/json", Json.toBytes(report.body()));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    try {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      exchange.close();
    }
  }
}
