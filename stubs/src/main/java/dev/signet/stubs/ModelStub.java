package dev.signet.stubs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback stub of an OpenAI-compatible chat-completions endpoint, for tests and benchmarks;
 * never for production. It listens on 127.0.0.1 on an ephemeral port and answers {@code POST
 * .../chat/completions} (so {@code /v1/chat/completions} and any other base path) with scripted
 * replies: each call takes the next reply queued with {@link #enqueue}, or the default reply when
 * the queue is empty. Every request is recorded for assertions.
 *
 * <p>Each call is handled on its own thread, so a delayed reply never holds up another call.
 */
public final class ModelStub implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService handlers;
  private final ConcurrentLinkedQueue<ModelReplyScript> scripted = new ConcurrentLinkedQueue<>();
  private final List<ReceivedCall> received = new ArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicLong completionIds = new AtomicLong();
  private volatile ModelReplyScript defaultReply;

  private ModelStub(ModelReplyScript defaultReply) throws IOException {
    this.defaultReply = Objects.requireNonNull(defaultReply, "defaultReply");
    this.handlers =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "model-stub");
              thread.setDaemon(true);
              return thread;
            });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(handlers);
    server.start();
  }

  /** Starts a stub whose default reply is {@code defaultReply}. */
  public static ModelStub start(ModelReplyScript defaultReply) {
    try {
      return new ModelStub(defaultReply);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the model stub on loopback", e);
    }
  }

  /** Starts a stub that answers every call with the fixed JSON text {@code json}. */
  public static ModelStub repairing(String json) {
    return start(ModelReplyScript.repairing(json));
  }

  /** The base URL a client is configured with, e.g. {@code http://127.0.0.1:41234/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Queues replies for the next calls, in order, ahead of the default. */
  public ModelStub enqueue(ModelReplyScript... replies) {
    scripted.addAll(List.of(replies));
    return this;
  }

  /** Replaces the reply given once the queue is empty. */
  public ModelStub setDefault(ModelReplyScript reply) {
    this.defaultReply = Objects.requireNonNull(reply, "reply");
    return this;
  }

  /** How many chat-completion calls arrived (including those answered with errors or dropped). */
  public int calls() {
    return calls.get();
  }

  /** Every chat-completion request received so far, in arrival order. */
  public List<ReceivedCall> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** The last request received; fails when there was none. */
  public ReceivedCall lastReceived() {
    synchronized (received) {
      if (received.isEmpty()) {
        throw new IllegalStateException("the model stub received no call");
      }
      return received.get(received.size() - 1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    // Interrupts handlers still sleeping on a delayed reply.
    handlers.shutdownNow();
    try {
      handlers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/chat/completions")) {
        send(exchange, 404, errorBody("no such route: " + path, "invalid_request_error"));
        return;
      }
      String body = readBody(exchange);
      synchronized (received) {
        received.add(
            new ReceivedCall(
                exchange.getRequestMethod(), path, exchange.getRequestHeaders(), body));
      }
      calls.incrementAndGet();
      ModelReplyScript reply = scripted.poll();
      answer(exchange, reply != null ? reply : defaultReply, body);
    }
  }

  private void answer(HttpExchange exchange, ModelReplyScript reply, String requestBody)
      throws IOException {
    if (reply instanceof ModelReplyScript.Delayed delayed) {
      try {
        Thread.sleep(delayed.delay().toMillis());
      } catch (InterruptedException e) {
        // The stub is closing: leave without answering.
        Thread.currentThread().interrupt();
        return;
      }
      answer(exchange, delayed.then(), requestBody);
    } else if (reply instanceof ModelReplyScript.Content content) {
      send(exchange, 200, completionBody(content, requestBody));
    } else if (reply instanceof ModelReplyScript.Status status) {
      status.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      send(exchange, status.status(), errorBody("stub status " + status.status(), "stub_error"));
    }
    // Drop: closing an exchange before any response header is sent closes the connection.
  }

  private String completionBody(ModelReplyScript.Content content, String requestBody) {
    ObjectNode reply = JSON.createObjectNode();
    reply.put("id", "chatcmpl-stub-" + completionIds.incrementAndGet());
    reply.put("object", "chat.completion");
    reply.put("created", System.currentTimeMillis() / 1000);
    reply.put("model", content.model() != null ? content.model() : requestedModel(requestBody));
    ObjectNode choice = reply.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", content.content());
    message.putNull("refusal");
    choice.put("finish_reason", "stop");
    choice.putNull("logprobs");
    if (content.usage() != null) {
      ObjectNode usage = reply.putObject("usage");
      usage.put("prompt_tokens", content.usage().promptTokens());
      usage.put("completion_tokens", content.usage().completionTokens());
      usage.put("total_tokens", content.usage().totalTokens());
    }
    return reply.toString();
  }

  private static String requestedModel(String requestBody) {
    try {
      JsonNode model = JSON.readTree(requestBody).path("model");
      return model.isTextual() ? model.asText() : "stub-model";
    } catch (IOException e) {
      return "stub-model";
    }
  }

  private static String errorBody(String message, String type) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", message);
    error.put("type", type);
    error.putNull("code");
    return body.toString();
  }

  private static String readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
