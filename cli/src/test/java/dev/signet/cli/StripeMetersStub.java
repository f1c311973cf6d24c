package dev.signet.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.signet.core.json.Json;
import dev.signet.stubs.FormFields;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Stripe stand-in on 127.0.0.1 for the two reads of {@code signet billing reconcile}: {@code GET
 * /v1/billing/meters} and {@code GET /v1/billing/meters/{id}/event_summaries}. It answers with
 * Stripe's list objects ({@code object: "list"}, {@code data}, {@code has_more}, {@code url}),
 * honours {@code limit} (default 10, as Stripe) and {@code starting_after}, requires the summary
 * parameters Stripe requires, and records every request with its query parameters.
 */
final class StripeMetersStub implements AutoCloseable {

  /** One request as received: method, path, Authorization header, decoded query parameters. */
  record Request(String method, String path, String authorization, Map<String, String> query) {}

  private record Meter(String id, String eventName) {}

  private record Summary(String id, String meter, String customer, BigDecimal value) {}

  private static final Pattern SUMMARIES =
      Pattern.compile("/v1/billing/meters/([^/]+)/event_summaries");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private final List<Summary> summaries = new CopyOnWriteArrayList<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  StripeMetersStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** An active meter summing {@code payload[value]} per {@code payload[stripe_customer_id]}. */
  StripeMetersStub meter(String id, String eventName) {
    meters.add(new Meter(id, eventName));
    return this;
  }

  /** One summary object per value, for the customer on the meter, over the requested window. */
  StripeMetersStub summaries(String meterId, String customer, BigDecimal... values) {
    for (BigDecimal value : values) {
      summaries.add(new Summary("mtrusg_test_" + (summaries.size() + 1), meterId, customer, value));
    }
    return this;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      Map<String, String> query = FormFields.decode(exchange.getRequestURI().getRawQuery());
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              path,
              exchange.getRequestHeaders().getFirst("Authorization"),
              query));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("Request-Id", "req_" + requests.size());
      Matcher summariesPath = SUMMARIES.matcher(path);
      if (!"GET".equals(exchange.getRequestMethod())) {
        error(exchange, 404, "Unrecognized request URL (" + exchange.getRequestMethod() + ")");
      } else if (path.equals("/v1/billing/meters")) {
        List<ObjectNode> data = new ArrayList<>();
        for (Meter m : meters) {
          data.add(meterJson(m));
        }
        list(exchange, path, data, query);
      } else if (summariesPath.matches()) {
        String meterId = summariesPath.group(1);
        if (meters.stream().noneMatch(m -> m.id().equals(meterId))) {
          error(exchange, 404, "No such billing meter: '" + meterId + "'");
          return;
        }
        for (String required : List.of("customer", "start_time", "end_time")) {
          if (!query.containsKey(required)) {
            error(exchange, 400, "Missing required param: " + required + ".");
            return;
          }
        }
        List<ObjectNode> data = new ArrayList<>();
        for (Summary s : summaries) {
          if (s.meter().equals(meterId) && s.customer().equals(query.get("customer"))) {
            data.add(summaryJson(s, query));
          }
        }
        list(exchange, path, data, query);
      } else {
        error(exchange, 404, "Unrecognized request URL (GET: " + path + ")");
      }
    }
  }

  private static ObjectNode meterJson(Meter m) {
    ObjectNode meter = Json.MAPPER.createObjectNode();
    meter.put("id", m.id());
    meter.put("object", "billing.meter");
    meter.put("created", 1767225600L);
    meter
        .putObject("customer_mapping")
        .put("event_payload_key", "stripe_customer_id")
        .put("type", "by_id");
    meter.putObject("default_aggregation").put("formula", "sum");
    meter.put("display_name", m.eventName());
    meter.put("event_name", m.eventName());
    meter.putNull("event_time_window");
    meter.put("livemode", false);
    meter.put("status", "active");
    meter.putObject("status_transitions").putNull("deactivated_at");
    meter.put("updated", 1767225600L);
    meter.putObject("value_settings").put("event_payload_key", "value");
    return meter;
  }

  private static ObjectNode summaryJson(Summary s, Map<String, String> query) {
    ObjectNode summary = Json.MAPPER.createObjectNode();
    summary.put("id", s.id());
    summary.put("object", "billing.meter_event_summary");
    summary.put("aggregated_value", s.value());
    summary.put("end_time", Long.parseLong(query.get("end_time")));
    summary.put("livemode", false);
    summary.put("meter", s.meter());
    summary.put("start_time", Long.parseLong(query.get("start_time")));
    return summary;
  }

  /** Stripe's cursor pagination: {@code limit} objects after {@code starting_after}. */
  private static void list(
      HttpExchange exchange, String path, List<ObjectNode> all, Map<String, String> query)
      throws IOException {
    int from = 0;
    String after = query.get("starting_after");
    if (after != null) {
      while (from < all.size() && !all.get(from).get("id").asText().equals(after)) {
        from++;
      }
      from++;
    }
    int limit = Integer.parseInt(query.getOrDefault("limit", "10"));
    int to = Math.min(all.size(), from + limit);
    ObjectNode list = Json.MAPPER.createObjectNode();
    list.put("object", "list");
    ArrayNode data = list.putArray("data");
    all.subList(Math.min(from, to), to).forEach(data::add);
    list.put("has_more", to < all.size());
    list.put("url", path);
    send(exchange, 200, Json.toText(list));
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putObject("error")
        .put("type", "invalid_request_error")
        .put("code", status == 404 ? "resource_missing" : "parameter_missing")
        .put("message", message);
    send(exchange, status, Json.toText(body));
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
    server.stop(0);
    executor.shutdownNow();
  }
}
