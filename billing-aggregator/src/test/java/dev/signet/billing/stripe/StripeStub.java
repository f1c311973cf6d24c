package dev.signet.billing.stripe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.signet.stubs.FormFields;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Stripe API stand-in on 127.0.0.1 for the real stripe-java client: records every request and
 * answers from a script (then 200 once the script is used up).
 */
public final class StripeStub implements AutoCloseable {

  /** One request as received. */
  public record Request(
      String method,
      String path,
      String authorization,
      String idempotencyKey,
      Map<String, String> form,
      Instant at) {}

  /** What the stub answers to one request. */
  public sealed interface Answer {}

  public record Ok() implements Answer {}

  public record Status(int code, String retryAfter) implements Answer {}

  public record Hang() implements Answer {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger served = new AtomicInteger();

  public StripeStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Queues answers for the next requests, in order. */
  public synchronized StripeStub then(Answer... answers) {
    script.addAll(List.of(answers));
    return this;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private synchronized Answer next() {
    Answer answer = script.poll();
    return answer == null ? new Ok() : answer;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Map<String, String> form = FormFields.decode(body);
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders().getFirst("Authorization"),
              exchange.getRequestHeaders().getFirst("Idempotency-Key"),
              form,
              Instant.now()));
      Answer answer = next();
      if (answer instanceof Hang) {
        try {
          // Outlasts the client's read timeout; released when the stub closes.
          closed.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      String requestId = "req_" + served.incrementAndGet();
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("Request-Id", requestId);
      if (answer instanceof Status status) {
        if (status.retryAfter() != null) {
          exchange.getResponseHeaders().add("Retry-After", status.retryAfter());
        }
        String type = status.code() == 429 ? "rate_limit_error" : "api_error";
        if (status.code() >= 400 && status.code() < 500 && status.code() != 429) {
          type = "invalid_request_error";
        }
        send(
            exchange,
            status.code(),
            "{\"error\":{\"type\":\""
                + type
                + "\",\"message\":\"stub says "
                + status.code()
                + "\"}}");
        return;
      }
      send(
          exchange,
          200,
          "{\"object\":\"billing.meter_event\",\"created\":1767225600,\"event_name\":\""
              + form.get("event_name")
              + "\",\"identifier\":\""
              + form.get("identifier")
              + "\",\"livemode\":false,\"payload\":{\"stripe_customer_id\":\""
              + form.get("payload[stripe_customer_id]")
              + "\",\"value\":\""
              + form.get("payload[value]")
              + "\"},\"timestamp\":1767225600}");
    }
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
