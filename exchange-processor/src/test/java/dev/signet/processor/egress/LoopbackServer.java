package dev.signet.processor.egress;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A JDK HTTP(S) server on 127.0.0.1 that records every request it reads. Handlers that hold a
 * response open wait on {@link #awaitRelease}, which closing the server ends.
 */
final class LoopbackServer implements AutoCloseable {

  /** One request as the server read it. */
  record Received(String method, String pathAndQuery, Headers headers, byte[] body) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  private LoopbackServer(HttpServer server) {
    this.server = server;
    server.setExecutor(executor);
    server.start();
  }

  static LoopbackServer https(SSLContext tls) {
    try {
      HttpsServer server = HttpsServer.create(loopback(), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      return new LoopbackServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LoopbackServer http() {
    try {
      return new LoopbackServer(HttpServer.create(loopback(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serves {@code path} (and below) with {@code handler}, recording each request first. */
  LoopbackServer on(String path, HttpHandler handler) {
    server.createContext(
        path,
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(
                new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null
                            ? ""
                            : "?" + exchange.getRequestURI().getRawQuery()),
                    exchange.getRequestHeaders(),
                    body));
            handler.handle(exchange);
          } catch (IOException e) {
            // The client hung up (cut body, timeout): expected in several tests.
          }
        });
    return this;
  }

  int port() {
    return server.getAddress().getPort();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** Blocks a handler until the server closes or {@code atMost} passes. */
  void awaitRelease(Duration atMost) {
    try {
      release.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  static InetAddress ipv4(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("four bytes are always an address", e);
    }
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress(ipv4(127, 0, 0, 1), 0);
  }
}
