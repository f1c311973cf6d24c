package dev.signet.stubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelStubTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ASK = "{\"model\":\"gpt-test\",\"messages\":[]}";

  private final ModelStub stub = ModelStub.repairing("{\"ok\":true}");
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    stub.close();
  }

  @Test
  void shouldAnswerAChatCompletionWithContentUsageAndTheAskedModel() throws Exception {
    stub.enqueue(ModelReplyScript.content("{\"fixed\":1}", 30, 7));

    HttpResponse<String> response = post("/v1/chat/completions", ASK);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("model").asText()).isEqualTo("gpt-test");
    assertThat(body.path("choices").get(0).path("message").path("content").asText())
        .isEqualTo("{\"fixed\":1}");
    assertThat(body.path("usage").path("total_tokens").asLong()).isEqualTo(37);
  }

  @Test
  void shouldFallBackToTheDefaultOnceTheQueueIsEmpty() throws Exception {
    stub.enqueue(ModelReplyScript.status(500));

    assertThat(post("/v1/chat/completions", ASK).statusCode()).isEqualTo(500);
    HttpResponse<String> second = post("/v1/chat/completions", ASK);

    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).contains("{\\\"ok\\\":true}");
  }

  @Test
  void shouldAnswerUnderAnyBasePathAndRecordWhatItReceived() throws Exception {
    post("/compat/openai/chat/completions", ASK);

    assertThat(stub.calls()).isEqualTo(1);
    ReceivedCall call = stub.lastReceived();
    assertThat(call.path()).isEqualTo("/compat/openai/chat/completions");
    assertThat(call.header("x-test")).contains("yes");
    assertThat(call.json().path("model").asText()).isEqualTo("gpt-test");
  }

  @Test
  void shouldRefuseOtherRoutesWithoutCountingThem() throws Exception {
    assertThat(post("/v1/embeddings", ASK).statusCode()).isEqualTo(404);
    assertThat(stub.calls()).isZero();
  }

  @Test
  void shouldSendRetryAfterWithARateLimit() throws Exception {
    stub.enqueue(ModelReplyScript.rateLimited(Duration.ofSeconds(3)));

    HttpResponse<String> response = post("/v1/chat/completions", ASK);

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).contains("3");
  }

  @Test
  void shouldOmitUsageWhenScriptedSo() throws Exception {
    stub.enqueue(ModelReplyScript.contentWithoutUsage("{}"));

    JsonNode body = JSON.readTree(post("/v1/chat/completions", ASK).body());

    assertThat(body.has("usage")).isFalse();
  }

  @Test
  void shouldDropTheConnectionWithoutAnswer() {
    stub.enqueue(ModelReplyScript.drop());

    CompletableFuture<HttpResponse<String>> response = postAsync("/v1/chat/completions");

    await().atMost(Duration.ofSeconds(5)).until(response::isDone);
    assertThat(response).isCompletedExceptionally();
  }

  @Test
  void shouldNotHoldUpACallBehindADelayedReply() throws Exception {
    stub.enqueue(ModelReplyScript.content("{\"slow\":1}").after(Duration.ofSeconds(30)));
    CompletableFuture<HttpResponse<String>> slow = postAsync("/v1/chat/completions");
    await().atMost(Duration.ofSeconds(5)).until(() -> stub.calls() == 1);

    HttpResponse<String> fast = post("/v1/chat/completions", ASK);

    assertThat(fast.statusCode()).isEqualTo(200);
    assertThat(slow).isNotDone();
  }

  private HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> postAsync(String path) {
    return http.sendAsync(request(path, ASK), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(String path, String body) {
    String root = stub.baseUrl().substring(0, stub.baseUrl().length() - "/v1".length());
    return HttpRequest.newBuilder(URI.create(root + path))
        .header("Content-Type", "application/json")
        .header("X-Test", "yes")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
