package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import dev.signet.stubs.ModelReplyScript;
import dev.signet.stubs.ModelStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The LLM repair stage on the whole local pipeline, as a tenant meets it over HTTP: the processor
 * parks arguments only a model can read, the repair worker asks an OpenAI-compatible stub on
 * loopback through openai-java, and the sync reply is the receipt or the precise rejection. Then
 * the model's tokens as FU through billing (the receipt's and the rejected repair's charge), and
 * the monthly FU quota against billing's real period total.
 *
 * <p>Token counts are chosen so the quota decisions do not depend on timing: the first reply costs
 * {@value #REPAIR_TOKENS}, the rejected one {@value #VIOLATION_TOKENS}; the limit {@value
 * #FU_LIMIT} leaves room for the second call's estimate even if the first is counted twice (the
 * processor's own settled tokens beside billing's total), but not for a third call once billing's
 * total holds both, since every estimate is at least the prompt overhead plus {@value
 * #MAX_COMPLETION_TOKENS} completion tokens.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepairPipelineIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String FALLBACK_KEY = "repair_key";
  private static final String FALLBACK_TENANT = "fixco";
  private static final String PLAIN_KEY = "plain_key";
  private static final String MODEL_KEY = "sk-dummy-repair-pipeline";
  private static final String MODEL = "stub-repair-model";
  private static final long REPAIR_TOKENS = 100;
  private static final long VIOLATION_TOKENS = 3_000;
  private static final long FU_LIMIT = 3_500;
  private static final int MAX_COMPLETION_TOKENS = 200;

  /** Single quotes, bare names and a quoted amount: read by the tolerant parser, not the schema. */
  private static final String BROKEN_ARGUMENTS =
      "{'invoice_id': 'INV-9', amount: \"12.50\", currency: 'USD', customer_name: 'ACME'}";

  private static final String REPAIRED =
      "{\"invoice_id\":\"INV-9\",\"amount\":12.50,\"currency\":\"USD\",\"customer_name\":\"ACME\"}";
  private static final String AMOUNT_CHANGED = REPAIRED.replace("12.50", "125");

  private static ModelStub model;
  private static LocalMode local;

  @BeforeAll
  static void start() throws Exception {
    // Unscripted calls get a reply no test expects: a stray call shows up as a wrong outcome.
    model = ModelStub.start(ModelReplyScript.status(500));
    Map<String, String> env =
        LocalModeITs.env(Files.createTempDirectory("signet-repair-pipeline-it"));
    env.put(
        "SP_API_KEYS",
        "{\""
            + FALLBACK_KEY
            + "\": {\"tenant\": \""
            + FALLBACK_TENANT
            + "\", \"fallback_enabled\": true, \"fu_monthly_limit\": "
            + FU_LIMIT
            + "}, \""
            + PLAIN_KEY
            + "\": {\"tenant\": \"plainco\"}}");
    env.put("SP_OPENAI_BASE_URL", model.baseUrl());
    env.put("SP_OPENAI_API_KEY", MODEL_KEY);
    env.put("SP_OPENAI_MODEL", MODEL);
    env.put("SP_OPENAI_TIMEOUT", "10");
    env.put("SP_OPENAI_MAX_RETRIES", "0");
    env.put("SP_OPENAI_MAX_TOKENS", Integer.toString(MAX_COMPLETION_TOKENS));
    local = LocalMode.start(env);
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
    model.close();
  }

  @Test
  @Order(1)
  void shouldIssueAReceiptFromTheModelsRepairCarryingItsTokens() throws Exception {
    model.enqueue(ModelReplyScript.content(REPAIRED, 90, 10));

    HttpResponse<String> response = exchange(FALLBACK_KEY, "repair-ok");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = Json.parse(response.body());
    JsonNode receipt = body.get("receipt");
    assertThat(receipt.get("fallback_used").asBoolean()).isTrue();
    assertThat(receipt.get("fu_tokens").asLong()).isEqualTo(REPAIR_TOKENS);
    assertThat(receipt.at("/repair/step").asText()).isEqualTo("llm_fallback");
    assertThat(body.at("/normalized/Document/Invoice/TotalMinor").asLong()).isEqualTo(1250);
    // The deployment's model settings reached the stub through local mode and openai-java.
    assertThat(model.calls()).isEqualTo(1);
    assertThat(model.lastReceived().header("Authorization")).contains("Bearer " + MODEL_KEY);
    assertThat(model.lastReceived().json().path("model").asText()).isEqualTo(MODEL);
  }

  @Test
  @Order(2)
  void shouldRejectARepairThatChangesTheAmountWithTheViolationsAndTheTokens() throws Exception {
    model.enqueue(ModelReplyScript.content(AMOUNT_CHANGED, VIOLATION_TOKENS - 500, 500));

    HttpResponse<String> response = exchange(FALLBACK_KEY, "repair-violation");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode problem = Json.parse(response.body());
    assertThat(problem.get("code").asText()).isEqualTo("SEMANTIC_VIOLATION");
    assertThat(problem.get("fu_tokens").asLong()).isEqualTo(VIOLATION_TOKENS);
    assertThat(problem.get("violations")).hasSize(1);
    JsonNode violation = problem.get("violations").get(0);
    assertThat(violation.get("rule").asText()).isEqualTo("preserved");
    assertThat(violation.get("field").asText()).isEqualTo("/amount");
    assertThat(violation.get("expected").asText()).isEqualTo("12.50");
    assertThat(violation.get("actual").asText()).isEqualTo("125");
    assertThat(model.calls()).isEqualTo(2);
  }

  @Test
  @Order(3)
  void shouldRefuseWithoutAskingTheModelForATenantWithoutFallback() throws Exception {
    HttpResponse<String> response = exchange(PLAIN_KEY, "repair-not-enabled");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    JsonNode problem = Json.parse(response.body());
    assertThat(problem.get("code").asText()).isEqualTo("REPAIR_FAILED");
    assertThat(problem.get("detail").asText()).contains("fallback_enabled");
    assertThat(problem.has("fu_tokens")).isFalse();
    assertThat(model.calls()).isEqualTo(2);
  }

  @Test
  @Order(4)
  void shouldBillBothCallsTokensAsFuAndOnlyTheReceiptAsVex() throws Exception {
    Map<String, HourlyUsage> hours = new HashMap<>();
    try (KafkaConsumer<String, HourlyUsage> consumer = consumer(Topics.BILLING_USAGE_HOURLY)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> hours.put(r.key(), r.value()));
                List<HourlyUsage> tenant =
                    hours.values().stream()
                        .filter(u -> u.tenant().equals(FALLBACK_TENANT))
                        .toList();
                assertThat(tenant.stream().mapToLong(HourlyUsage::fuTokens).sum())
                    .isEqualTo(REPAIR_TOKENS + VIOLATION_TOKENS);
                assertThat(tenant.stream().mapToLong(HourlyUsage::vex).sum()).isEqualTo(1);
              });
    }
    String period = YearMonth.now(ZoneOffset.UTC).toString();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode usage =
                  Json.parse(get("/v1/billing/usage?period=" + period, FALLBACK_KEY).body());
              assertThat(usage.at("/types/fu/used").asLong())
                  .isEqualTo(REPAIR_TOKENS + VIOLATION_TOKENS);
              assertThat(usage.at("/types/vex/used").asLong()).isEqualTo(1);
            });
  }

  @Test
  @Order(5)
  void shouldRefuseTheNextRepairOnceBillingsMonthlyTotalLeavesNoRoom() throws Exception {
    String period = YearMonth.now(ZoneOffset.UTC).toString();
    awaitFuPeriodTotal(period, REPAIR_TOKENS + VIOLATION_TOKENS);
    model.enqueue(ModelReplyScript.content(REPAIRED, 90, 10));

    HttpResponse<String> response = exchange(FALLBACK_KEY, "repair-over-quota");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
    JsonNode problem = Json.parse(response.body());
    assertThat(problem.get("code").asText()).isEqualTo("FU_QUOTA_EXCEEDED");
    // Billing's total; the processor may still count its own last settled call beside it.
    assertThat(problem.get("used").asLong())
        .isBetween(REPAIR_TOKENS + VIOLATION_TOKENS, REPAIR_TOKENS + 2 * VIOLATION_TOKENS);
    assertThat(problem.get("limit").asLong()).isEqualTo(FU_LIMIT);
    assertThat(Instant.parse(problem.get("resets_at").asText()))
        .isEqualTo(
            YearMonth.parse(period)
                .plusMonths(1)
                .atDay(1)
                .atStartOfDay()
                .toInstant(ZoneOffset.UTC));
    assertThat(model.calls()).as("the model is not asked over quota").isEqualTo(2);
  }

  /** Waits until billing's FU total of the month, the quota's source, holds {@code units}. */
  private static void awaitFuPeriodTotal(String period, long units) {
    String key = PeriodTotal.key(FALLBACK_TENANT, period, PeriodTotal.FU);
    long[] latest = {-1};
    try (KafkaConsumer<String, PeriodTotal> consumer = consumer(Topics.BILLING_PERIOD_TOTALS)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(
                        r -> {
                          if (key.equals(r.key()) && r.value() != null) {
                            latest[0] = r.value().units();
                          }
                        });
                assertThat(latest[0]).isEqualTo(units);
              });
    }
  }

  private static <V> KafkaConsumer<String, V> consumer(Topic<String, V> topic) {
    return LocalModeITs.consumer(local.kafkaBootstrap(), topic);
  }

  private static HttpResponse<String> exchange(String apiKey, String traceId) throws Exception {
    String body =
        "{\"payload_type\":\"openai.tooluse.invoice.v1\",\"target_type\":\"invoice.iso20022.v1\","
            + "\"trace_id\":\""
            + traceId
            + "\",\"payload\":{\"tool_calls\":[{\"type\":\"function\",\"function\":"
            + "{\"name\":\"create_invoice\",\"arguments\":"
            + Json.toText(BROKEN_ARGUMENTS)
            + "}}]}}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base() + "/v1/exchange"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("X-SIGNET-API-Key", apiKey)
            .header("X-SIGNET-Idempotency-Key", traceId)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, String apiKey) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("X-SIGNET-API-Key", apiKey)
            .GET()
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String base() {
    return "http://127.0.0.1:" + local.pipeline().httpPort();
  }
}
