package dev.signet.launcher;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics} (Prometheus text) for the services that have no web server of their own
 * ({@code processor}, {@code billing}, {@code receipt-store}): they report to Micrometer's global
 * registry, which this endpoint joins a Prometheus registry to.
 */
final class MetricsEndpoint {

  static final int DEFAULT_PORT = 9404;

  private MetricsEndpoint() {}

  static void start(int port) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Metrics.addRegistry(registry);
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext("/metrics", exchange -> {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve /metrics on port " + port + " (set SP_METRICS_PORT)", e);
    }
  }
}
