package dev.signet.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.signet.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The forward target of a chaos run's forwarding exchanges, a plain HTTP receiver on 127.0.0.1
 * (reached through the processor's development switch for loopback). It records every delivery: the
 * {@code X-Signet-Exchange-Id} and the invoice id in the delivered document (the chaos exchange's
 * idempotency key). While {@linkplain #slowFor slow} it holds each answer {@link #SLOW_ANSWER}
 * before giving it, longer than the processor's forward timeout.
 */
final class ForwardTarget implements AutoCloseable {

  static final String PATH = "/hook";

  /** The processor's forward timeouts in a chaos run ({@code SP_HEL_*}, seconds). */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

  static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(3);

  /** How long a slow target holds an answer: past the forward's total timeout. */
  static final Duration SLOW_ANSWER = TOTAL_TIMEOUT.plusSeconds(2);

  private static final byte[] ANSWER = "{\"received\":true}".getBytes(StandardCharsets.UTF_8);

  /** One delivery as received. */
  record Delivery(String exchangeId, String invoiceId, boolean slow) {
    Delivery {
      Objects.requireNonNull(invoiceId, "invoiceId");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final LongAdder slowAnswers = new LongAdder();
  private volatile long slowUntilNanos = Long.MIN_VALUE;

  ForwardTarget() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the forward target", e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  String url() {
    return "http://127.0.0.1:" + port() + PATH;
  }

  /** The processors' egress settings that let them forward here, and time out on a slow answer. */
  Map<String, String> processorEnv() {
    return Map.of(
        "SP_HEL_ALLOW_HTTP_LOOPBACK", "true",
        "SP_HEL_ALLOWLIST", "127.0.0.1",
        "SP_HEL_PORTS", Integer.toString(port()),
        "SP_HEL_CONNECT_TIMEOUT", Long.toString(CONNECT_TIMEOUT.toSeconds()),
        "SP_HEL_READ_TIMEOUT", Long.toString(READ_TIMEOUT.toSeconds()),
        "SP_HEL_TOTAL_TIMEOUT", Long.toString(TOTAL_TIMEOUT.toSeconds()));
  }

  /** Holds every answer {@link #SLOW_ANSWER} from now for {@code period}. */
  void slowFor(Duration period) {
    slowUntilNanos = System.nanoTime() + period.toNanos();
  }

  List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  long slowAnswers() {
    return slowAnswers.sum();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      boolean slow = System.nanoTime() < slowUntilNanos;
      deliveries.add(
          new Delivery(
              exchange.getRequestHeaders().getFirst("X-Signet-Exchange-Id"),
              invoiceId(body),
              slow));
      if (slow) {
        slowAnswers.increment();
        try {
          closed.await(SLOW_ANSWER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, ANSWER.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(ANSWER);
      }
    } catch (IOException e) {
      // the processor gave up on a held answer: that is the point of holding it
    }
  }

  /** The delivered document's invoice id, "?" if it has none. */
  static String invoiceId(byte[] body) {
    try {
      JsonNode id = Json.parse(new String(body, StandardCharsets.UTF_8)).at("/Document/Invoice/Id");
      return id.isMissingNode() ? "?" : id.asText();
    } catch (RuntimeException e) {
      return "?";
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
