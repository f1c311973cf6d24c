package dev.signet.processor.repair;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.core.message.RepairRequest;
import dev.signet.stubs.ModelReplyScript;
import dev.signet.stubs.ModelStub;
import dev.signet.stubs.ReceivedCall;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiModelClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPAIRED = "{\"invoice_id\":\"INV-7\",\"amount\":\"12.50\"}";
  private static final String API_KEY = "sk-test-not-a-real-key";

  private final ModelStub stub = ModelStub.repairing(REPAIRED);

  @AfterEach
  void stopStub() {
    stub.close();
  }

  @Test
  void shouldReturnTheReplyWithItsTotalTokensAndModel() {
    stub.enqueue(ModelReplyScript.content(REPAIRED, 120, 30));

    ModelReply reply = repairWith(settings(2, Duration.ofSeconds(5)));

    assertThat(reply).isEqualTo(new ModelReply.Replied(REPAIRED, 150, "gpt-test", 1));
    assertThat(stub.calls()).isEqualTo(1);
  }

  @Test
  void shouldReturnAFencedReplyVerbatim() {
    String fenced = "```json\n" + REPAIRED + "\n```";
    stub.enqueue(ModelReplyScript.content(fenced));

    ModelReply reply = repairWith(settings(2, Duration.ofSeconds(5)));

    assertThat(reply).isInstanceOf(ModelReply.Replied.class);
    assertThat(((ModelReply.Replied) reply).content()).isEqualTo(fenced);
  }

  @Test
  void shouldAskWithTheSchemaAsJsonSchemaResponseFormat() throws IOException {
    repairWith(settings(2, Duration.ofSeconds(5)));

    ReceivedCall call = stub.lastReceived();
    JsonNode body = call.json();
    assertThat(call.path()).isEqualTo("/v1/chat/completions");
    assertThat(call.header("Authorization")).contains("Bearer " + API_KEY);
    assertThat(body.path("model").asText()).isEqualTo("gpt-test");
    JsonNode format = body.path("response_format");
    assertThat(format.path("type").asText()).isEqualTo("json_schema");
    assertThat(format.path("json_schema").path("name").asText()).isEqualTo("invoice_v1_args");
    assertThat(format.path("json_schema").path("strict").asBoolean(true)).isFalse();
    assertThat(format.path("json_schema").path("schema")).isEqualTo(schema());
    assertThat(body.path("max_completion_tokens").asLong()).isEqualTo(256);
    assertThat(body.path("temperature").asDouble(-1)).isZero();
  }

  @Test
  void shouldSendTheBrokenArgumentsAndTheFailureToRepair() throws IOException {
    repairWith(settings(2, Duration.ofSeconds(5)));

    JsonNode messages = stub.lastReceived().json().path("messages");
    assertThat(messages).hasSize(2);
    assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
    assertThat(messages.get(0).path("content").asText())
        .contains("Never change the meaning of any value")
        .contains("JSON document only");
    assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
    assertThat(messages.get(1).path("content").asText())
        .contains(request().arguments())
        .contains(request().failure());
  }

  @Test
  void shouldRetryAServerErrorAndCountBothAttempts() {
    stub.enqueue(ModelReplyScript.status(500), ModelReplyScript.content(REPAIRED, 10, 5));

    ModelReply reply = repairWith(settings(2, Duration.ofSeconds(5)));

    assertThat(reply).isEqualTo(new ModelReply.Replied(REPAIRED, 15, "gpt-test", 2));
    assertThat(stub.calls()).isEqualTo(2);
  }

  @Test
  void shouldRetryARateLimitAfterItsRetryAfter() {
    stub.enqueue(ModelReplyScript.rateLimited(Duration.ZERO), ModelReplyScript.content(REPAIRED));

    ModelReply reply = repairWith(settings(2, Duration.ofSeconds(5)));

    assertThat(reply).isInstanceOf(ModelReply.Replied.class);
    assertThat(((ModelReply.Replied) reply).attempts()).isEqualTo(2);
    assertThat(stub.calls()).isEqualTo(2);
  }

  @Test
  void shouldCountAttemptsPerCallWhenCallsRunTogether() throws Exception {
    // Whichever call arrives first meets the 503 and retries; the others succeed at once.
    stub.enqueue(ModelReplyScript.status(503));
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (OpenAiModelClient client = new OpenAiModelClient(settings(2, Duration.ofSeconds(5)))) {
      List<Callable<ModelReply>> calls = Collections.nCopies(4, () -> client.repair(request()));
      List<Integer> attempts = new ArrayList<>();
      for (Future<ModelReply> reply : callers.invokeAll(calls)) {
        assertThat(reply.get()).isInstanceOf(ModelReply.Replied.class);
        attempts.add(((ModelReply.Replied) reply.get()).attempts());
      }
      assertThat(attempts).containsExactlyInAnyOrder(1, 1, 1, 2);
      assertThat(stub.calls()).isEqualTo(5);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void shouldFailWithTheStatusOnceRetriesAreSpent() {
    stub.setDefault(ModelReplyScript.status(500));

    ModelReply reply = repairWith(settings(2, Duration.ofSeconds(5)));

    assertFailed(reply, "MODEL_HTTP_500", 3);
    assertThat(((ModelReply.Failed) reply).detail()).isEqualTo("the model answered HTTP 500");
    assertThat(stub.calls()).isEqualTo(3);
  }

  @Test
  void shouldNotRetryABadRequest() {
    stub.enqueue(ModelReplyScript.status(400));

    ModelReply reply = repairWith(settings(2, Duration.ofSeconds(5)));

    assertFailed(reply, "MODEL_HTTP_400", 1);
    assertThat(stub.calls()).isEqualTo(1);
  }

  @Test
  void shouldTimeOutASlowReply() {
    stub.setDefault(ModelReplyScript.content(REPAIRED).after(Duration.ofSeconds(10)));

    ModelReply reply = repairWith(settings(0, Duration.ofMillis(300)));

    assertFailed(reply, "MODEL_TIMEOUT", 1);
  }

  @Test
  void shouldApplyTheTimeoutToEachAttemptAndRetryIt() {
    stub.enqueue(ModelReplyScript.content(REPAIRED).after(Duration.ofSeconds(10)));
    stub.enqueue(ModelReplyScript.content(REPAIRED, 7, 3));

    ModelReply reply = repairWith(settings(1, Duration.ofMillis(300)));

    assertThat(reply).isEqualTo(new ModelReply.Replied(REPAIRED, 10, "gpt-test", 2));
  }

  @Test
  void shouldFailWhenTheConnectionClosesWithoutAnswer() {
    stub.setDefault(ModelReplyScript.drop());

    ModelReply reply = repairWith(settings(0, Duration.ofSeconds(5)));

    assertFailed(reply, "MODEL_UNREACHABLE", 1);
    assertThat(stub.calls()).isEqualTo(1);
  }

  @Test
  void shouldFailWhenNothingListens() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    ModelSettings nowhere =
        new ModelSettings(
            "http://127.0.0.1:" + closedPort + "/v1",
            "gpt-test",
            API_KEY,
            Duration.ofSeconds(2),
            0,
            4,
            256);

    ModelReply reply = repairWith(nowhere);

    assertFailed(reply, "MODEL_UNREACHABLE", 1);
  }

  @Test
  void shouldRefuseToUseAReplyItCannotMeter() {
    stub.enqueue(ModelReplyScript.contentWithoutUsage(REPAIRED));

    ModelReply reply = repairWith(settings(2, Duration.ofSeconds(5)));

    assertFailed(reply, "MODEL_ERROR", 1);
    assertThat(((ModelReply.Failed) reply).detail()).contains("no usage");
  }

  @Test
  void shouldReportTheModelTheServerNamed() {
    stub.enqueue(
        new ModelReplyScript.Content(
            REPAIRED, ModelReplyScript.DEFAULT_USAGE, "gpt-test-2026-01-01"));

    ModelReply reply = repairWith(settings(2, Duration.ofSeconds(5)));

    assertThat(((ModelReply.Replied) reply).model()).isEqualTo("gpt-test-2026-01-01");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "invoice.v1/args, invoice_v1_args",
    "Invoice-Args_2, Invoice-Args_2",
    "facture ä€, facture___",
  })
  void shouldSanitiseTheSchemaName(String given, String sent) {
    assertThat(OpenAiModelClient.schemaName(given)).isEqualTo(sent);
  }

  @Test
  void shouldCutTheSchemaNameTo64Characters() {
    assertThat(OpenAiModelClient.schemaName("a".repeat(100))).isEqualTo("a".repeat(64));
    assertThat(OpenAiModelClient.schemaName("")).isEqualTo("arguments");
  }

  private ModelReply repairWith(ModelSettings settings) {
    try (OpenAiModelClient client = new OpenAiModelClient(settings)) {
      return client.repair(request());
    }
  }

  private ModelSettings settings(int maxRetries, Duration timeout) {
    return new ModelSettings(stub.baseUrl(), "gpt-test", API_KEY, timeout, maxRetries, 4, 256);
  }

  private static void assertFailed(ModelReply reply, String code, int attempts) {
    assertThat(reply).isInstanceOf(ModelReply.Failed.class);
    ModelReply.Failed failed = (ModelReply.Failed) reply;
    assertThat(failed.errorCode()).as(failed.detail()).isEqualTo(code);
    assertThat(failed.attempts()).isEqualTo(attempts);
  }

  private static RepairRequest request() {
    return new RepairRequest(
        "repair-1",
        "trace-1",
        "tenant-a",
        "tool_call",
        "invoice.v1/args",
        schema(),
        "{'invoice_id': 'INV-7', 'amount': '12.50',}",
        "strict parse: unexpected character ''' at 1:2; tolerant parse: schema failed at /amount",
        200,
        "2026-12-06T01:00:00Z");
  }

  private static JsonNode schema() {
    return JSON.valueToTree(
        Map.of(
            "type",
            "object",
            "required",
            List.of("invoice_id", "amount"),
            "properties",
            Map.of(
                "invoice_id", Map.of("type", "string"),
                "amount", Map.of("type", "string", "pattern", "^[0-9]+\\.[0-9]{2}$"))));
  }
}
