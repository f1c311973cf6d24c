package dev.signet.ingress.exchange;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;

import dev.signet.core.json.Json;
import dev.signet.core.json.RawJson;
import dev.signet.core.message.ExchangeResult;
import dev.signet.ingress.StandaloneIngress;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code POST /v1/exchange} answered through the servlet's async context after the handler has
 * returned ({@link AsyncAnswer}), on the real embedded Tomcat: replies that arrive later, in any
 * order, from other threads, reach their own callers with their status, headers and bytes.
 */
@StandaloneIngress
class AsyncAnswerIT {

  @LocalServerPort int port;
  @Autowired ExchangeGateway gateway;

  private final HttpClient http = HttpClient.newHttpClient();

  private static String body(String traceId) {
    return "{\"payload_type\":\"a\",\"target_type\":\"b\",\"payload\":{},\"trace_id\":\""
        + traceId
        + "\"}";
  }

  private HttpRequest request(String traceId) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/exchange"))
        .header("X-SIGNET-API-Key", "demo_key")
        .header("X-SIGNET-Idempotency-Key", "k-" + traceId)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body(traceId)))
        .build();
  }

  private static ExchangeResult accepted(String traceId) {
    var body = Json.MAPPER.createObjectNode().put("trace_id", traceId);
    body.putObject("receipt").put("hop", 1);
    return new ExchangeResult.Accepted(traceId, false, RawJson.of(body));
  }

  @Test
  void shouldAnswerEachCallerWithItsOwnReplyWhateverOrderTheRepliesArriveIn() {
    Map<String, CompletableFuture<ExchangeResult>> waiting = new ConcurrentHashMap<>();
    when(gateway.submit(anyString(), any(), eq("demo_key"), anyString()))
        .thenAnswer(
            call -> waiting.computeIfAbsent(call.getArgument(0), id -> new CompletableFuture<>()));
    List<String> traces = IntStream.range(0, 32).mapToObj(i -> "t-" + i).toList();
    List<CompletableFuture<HttpResponse<String>>> responses =
        traces.stream()
            .map(id -> http.sendAsync(request(id), HttpResponse.BodyHandlers.ofString()))
            .toList();

    org.awaitility.Awaitility.await().until(() -> waiting.size() == traces.size());
    assertThat(responses).noneMatch(CompletableFuture::isDone);
    // Completed from other threads than the requests', in another order than they were sent.
    List<String> completionOrder = new ArrayList<>(traces);
    Collections.shuffle(completionOrder, new java.util.Random(7));
    completionOrder.forEach(
        id -> CompletableFuture.runAsync(() -> waiting.get(id).complete(accepted(id))));

    for (int i = 0; i < traces.size(); i++) {
      HttpResponse<String> response = responses.get(i).join();
      String traceId = traces.get(i);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(response.headers().firstValue("X-SIGNET-Trace")).hasValue(traceId);
      assertThat(response.body())
          .isEqualTo(
              new String(
                  accepted(traceId).body().bytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void shouldAnswerALateTimeoutAsA504ProblemNamingTheTrace() {
    CompletableFuture<ExchangeResult> reply = new CompletableFuture<>();
    when(gateway.submit(eq("t-late"), any(), eq("demo_key"), anyString())).thenReturn(reply);
    CompletableFuture<HttpResponse<String>> response =
        http.sendAsync(request("t-late"), HttpResponse.BodyHandlers.ofString());

    CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)
        .execute(() -> reply.completeExceptionally(new TimeoutException()));

    HttpResponse<String> answered = response.join();
    assertThat(answered.statusCode()).isEqualTo(504);
    assertThat(answered.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(Json.parse(answered.body()).get("code").asText()).isEqualTo("TIMEOUT");
    assertThat(Json.parse(answered.body()).get("trace_id").asText()).isEqualTo("t-late");
  }

  @Test
  void shouldStayServingWhenACallerLeavesBeforeItsReply() throws Exception {
    CompletableFuture<ExchangeResult> abandoned = new CompletableFuture<>();
    when(gateway.submit(eq("t-gone"), any(), eq("demo_key"), anyString())).thenReturn(abandoned);
    byte[] body = body("t-gone").getBytes(US_ASCII);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/exchange HTTP/1.1\r\nHost: 127.0.0.1\r\nX-SIGNET-API-Key: demo_key\r\n"
                  + "X-SIGNET-Idempotency-Key: k-gone\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(US_ASCII));
      out.write(body);
      out.flush();
      org.awaitility.Awaitility.await()
          .untilAsserted(
              () ->
                  org.mockito.Mockito.verify(gateway)
                      .submit(eq("t-gone"), any(), eq("demo_key"), anyString()));
    }
    abandoned.complete(accepted("t-gone"));

    when(gateway.submit(eq("t-next"), any(), eq("demo_key"), anyString()))
        .thenReturn(CompletableFuture.completedFuture(accepted("t-next")));
    HttpResponse<String> next = http.send(request("t-next"), HttpResponse.BodyHandlers.ofString());
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(next.body())
        .isEqualTo(
            new String(accepted("t-next").body().bytes(), java.nio.charset.StandardCharsets.UTF_8));
  }
}
