package dev.signet.ingress.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class AsyncAnswerTest {

  private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/exchange");
  private final MockHttpServletResponse response = new MockHttpServletResponse();
  private final MockAsyncContext async = new MockAsyncContext(request, response);

  AsyncAnswerTest() {
    request.setAsyncStarted(true);
  }

  @Test
  void shouldWriteTheAnswerOnlyOnceItCompletesAndEndTheRequest() throws Exception {
    CompletableFuture<ResponseEntity<byte[]>> answer = new CompletableFuture<>();

    AsyncAnswer.send(async, Duration.ofSeconds(10), answer);
    assertThat(response.getContentAsByteArray()).isEmpty();
    assertThat(request.isAsyncStarted()).isTrue();
    assertThat(async.getTimeout()).isEqualTo(15_000);

    answer.complete(
        ResponseEntity.status(201)
            .contentType(MediaType.APPLICATION_JSON)
            .header("X-SIGNET-Trace", "t-1")
            .body("{\"a\":1}".getBytes(StandardCharsets.UTF_8)));

    assertThat(response.getStatus()).isEqualTo(201);
    assertThat(response.getHeader("X-SIGNET-Trace")).isEqualTo("t-1");
    assertThat(response.getContentType()).isEqualTo("application/json");
    assertThat(response.getContentLength()).isEqualTo(7);
    assertThat(response.getContentAsString()).isEqualTo("{\"a\":1}");
    assertThat(request.isAsyncStarted()).as("completed").isFalse();
  }

  @Test
  void shouldAnswerAFailedAnswerAsAnInternalProblemRatherThanLeaveTheCallerWaiting()
      throws Exception {
    AsyncAnswer.send(
        async,
        Duration.ofSeconds(10),
        CompletableFuture.failedFuture(new IllegalStateException("a bug")));

    assertThat(response.getStatus()).isEqualTo(500);
    assertThat(response.getContentType()).startsWith("application/problem+json");
    assertThat(Json.parse(response.getContentAsByteArray()).get("code").asText())
        .isEqualTo("INTERNAL");
    assertThat(request.isAsyncStarted()).isFalse();
  }
}
