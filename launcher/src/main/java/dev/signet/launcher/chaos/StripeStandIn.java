package dev.signet.launcher.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Stripe's meter-event endpoint ({@code POST /v1/billing/meter_events}) on 127.0.0.1 for a chaos
 * run, talked to by billing's real stripe-java client. It behaves as Stripe promises: an event is
 * accepted once per {@code identifier}, and a repeat of an accepted identifier is answered with the
 * first answer again and not counted twice. From the seed and the identifier it misbehaves on early
 * attempts: {@link Misbehaviour#FAIL} answers 500 without accepting, {@link Misbehaviour#LOSE}
 * accepts the event and then holds the answer past the client's read timeout (the answer is lost,
 * the event is not). Every identifier is answered 200 by its {@value #HONEST_FROM}th attempt, so a
 * pusher with a few retries always gets through.
 */
final class StripeStandIn implements AutoCloseable {

  static final String PATH = "/v1/billing/meter_events";

  /** The attempt from which an identifier is always answered honestly. */
  static final int HONEST_FROM = 3;

  /** Longer than stripe-java's read timeout in billing ({@code StripeConfig}: 20 s). */
  static final Duration LOST_ANSWER_DELAY = Duration.ofSeconds(25);

  static final double FAIL_SHARE = 0.2;
  static final double LOSE_SHARE = 0.05;

  /** What the stand-in does with one attempt. */
  enum Misbehaviour {
    NONE,
    FAIL,
    LOSE
  }

  /** A meter event as accepted (first time its identifier was seen). */
  record Accepted(String identifier, String customer, String eventName, long value) {
    Accepted {
      Objects.requireNonNull(identifier, "identifier");
    }
  }

  /** What the stand-in saw over a run. */
  record Tally(
      Map<String, Accepted> accepted,
      long repeats,
      long conflicting,
      long failed,
      long lostAnswers) {
    Tally {
      accepted = Map.copyOf(accepted);
    }
  }

  private final long seed;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Map<String, Accepted> accepted = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final LongAdder repeats = new LongAdder();
  private final LongAdder conflicting = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder lostAnswers = new LongAdder();

  StripeStandIn(long seed) {
    this.seed = seed;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Stripe stand-in", e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  Tally tally() {
    return new Tally(accepted, repeats.sum(), conflicting.sum(), failed.sum(), lostAnswers.sum());
  }

  /** The seed's choice for attempt {@code attempt} (1-based) at {@code identifier}. */
  static Misbehaviour misbehaviour(long seed, String identifier, int attempt) {
    if (attempt >= HONEST_FROM) {
      return Misbehaviour.NONE;
    }
    double draw =
        new SplittableRandom(seed ^ ((long) identifier.hashCode() << 8) ^ attempt).nextDouble();
    if (draw < LOSE_SHARE) {
      return Misbehaviour.LOSE;
    }
    return draw < LOSE_SHARE + FAIL_SHARE ? Misbehaviour.FAIL : Misbehaviour.NONE;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> form;
      try (InputStream in = exchange.getRequestBody()) {
        form = decode(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      String identifier = form.get("identifier");
      if (!"POST".equals(exchange.getRequestMethod())
          || !PATH.equals(exchange.getRequestURI().getPath())
          || identifier == null) {
        send(exchange, 404, error("invalid_request_error", "no such endpoint"));
        return;
      }
      Accepted event =
          new Accepted(
              identifier,
              form.get("payload[stripe_customer_id]"),
              form.get("event_name"),
              Long.parseLong(form.getOrDefault("payload[value]", "0")));
      int attempt =
          attempts.computeIfAbsent(identifier, i -> new AtomicInteger()).incrementAndGet();
      Accepted first = accepted.get(identifier);
      if (first != null) {
        // Stripe answers a repeated idempotency key with its saved response.
        repeats.increment();
        if (!first.equals(event)) {
          conflicting.increment();
        }
        send(exchange, 200, meterEvent(first));
        return;
      }
      switch (misbehaviour(seed, identifier, attempt)) {
        case FAIL -> {
          failed.increment();
          send(exchange, 500, error("api_error", "chaos stand-in fails this attempt"));
        }
        case LOSE -> {
          accepted.put(identifier, event);
          lostAnswers.increment();
          awaitClose(LOST_ANSWER_DELAY);
          send(exchange, 200, meterEvent(event));
        }
        case NONE -> {
          accepted.put(identifier, event);
          send(exchange, 200, meterEvent(event));
        }
      }
    } catch (IOException e) {
      // the client gave up on a held answer: that is the point of holding it
    }
  }

  private void awaitClose(Duration delay) {
    try {
      closed.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String meterEvent(Accepted event) {
    return "{\"object\":\"billing.meter_event\",\"created\":1767225600,\"event_name\":\""
        + event.eventName()
        + "\",\"identifier\":\""
        + event.identifier()
        + "\",\"livemode\":false,\"payload\":{\"stripe_customer_id\":\""
        + event.customer()
        + "\",\"value\":\""
        + event.value()
        + "\"},\"timestamp\":1767225600}";
  }

  private static String error(String type, String message) {
    return "{\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("Request-Id", "req_chaos_" + System.nanoTime());
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  static Map<String, String> decode(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return form;
    }
    for (String pair : List.of(body.split("&"))) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      form.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return form;
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
