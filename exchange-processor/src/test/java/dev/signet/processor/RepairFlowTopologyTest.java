package dev.signet.processor;

import static dev.signet.processor.ExchangeTopologyTest.SECRET;
import static dev.signet.processor.ExchangeTopologyTest.invoiceRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.RepairMacs;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.FuCharge;
import dev.signet.core.message.PeriodTotal;
import dev.signet.core.message.RepairOutcome;
import dev.signet.core.message.RepairRequest;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.topic.Topics;
import dev.signet.core.types.TypeRegistry;
import dev.signet.processor.repair.RepairPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model rung inside the exchange topology: arguments only a model can read park the exchange
 * and ask the worker (quota permitting); the worker's recorded outcome, and only an authentic one
 * that an exchange is waiting for, continues it to a receipt or a rejection with its FU billed.
 */
class RepairFlowTopologyTest {

  private static final String API_KEYS =
      "{\"fix_key\":{\"tenant\":\"fixer\",\"fallback_enabled\":true,\"fu_monthly_limit\":100000},"
          + "\"tight_key\":{\"tenant\":\"tight\",\"fallback_enabled\":true,"
          + "\"fu_monthly_limit\":3000},"
          + "\"plain_key\":{\"tenant\":\"plain\"}}";
  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
  private Instant clock = START;
  private static final String BROKEN =
      "{invoice_id: 'INV-1', amount: '12.50', currency: 'EUR', customer_name: 'ACME'";
  private static final String REPAIRED =
      "{\"invoice_id\":\"INV-1\",\"amount\":12.50,\"currency\":\"EUR\",\"customer_name\":\"ACME\"}";

  private final RepairMacs macs = RepairMacs.of(SECRET);
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> requests;
  private TestInputTopic<String, byte[]> outcomes;
  private TestInputTopic<String, byte[]> periodTotals;
  private TestDrivers.Results results;
  private TestOutputTopic<String, Receipt> receipts;
  private TestOutputTopic<String, byte[]> asks;
  private TestOutputTopic<String, byte[]> charges;
  private TestOutputTopic<String, ExchangeResult> early;
  private TestOutputTopic<String, ExchangeResult> settled;
  private TestOutputTopic<String, ExchangeResult> asyncResults;
  private TestOutputTopic<String, byte[]> sequenced;
  private SimpleMeterRegistry meters;

  @BeforeEach
  void setUp() {
    meters = new SimpleMeterRegistry();
    ExchangeTopology topology =
        new ExchangeTopology(
            new ExchangeTopology.Settings(
                ApiKeys.parse(API_KEYS),
                SigningKey.generate("test-kid"),
                SECRET,
                new Admission.Limits(262_144, 16),
                Duration.ofHours(24),
                1,
                TypeRegistry.builtIn(),
                new RepairPolicy(true, 1024, Duration.ofSeconds(2))),
            meters);
    driver = TestDrivers.start(topology, START);
    requests = TestDrivers.requests(driver);
    results = TestDrivers.results(driver);
    receipts = TestDrivers.output(driver, Topics.RECEIPTS);
    outcomes = TestDrivers.rawInput(driver, Topics.EXCHANGE_REPAIR_OUTCOMES);
    periodTotals = TestDrivers.rawInput(driver, Topics.BILLING_PERIOD_TOTALS);
    asks = TestDrivers.rawOutput(driver, Topics.EXCHANGE_REPAIR_REQUESTS);
    charges = TestDrivers.rawOutput(driver, Topics.EXCHANGE_FU_CHARGES);
    early = TestDrivers.output(driver, Topics.EXCHANGE_REPLIES);
    settled = TestDrivers.output(driver, Topics.EXCHANGE_REPLIES_SETTLED);
    asyncResults = TestDrivers.output(driver, Topics.EXCHANGE_RESULTS);
    sequenced = TestDrivers.rawOutput(driver, Topics.EXCHANGE_REQUESTS);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void shouldParkAskTheWorkerAndIssueTheReceiptFromItsRecordedReply() {
    send("t1", BROKEN, "fix_key", "k1");

    assertThat(results.isEmpty()).as("the caller waits for the model").isTrue();
    TestRecord<String, byte[]> ask = asks.readRecord();
    assertThat(macs.request().verify(ask.headers(), ask.value())).isTrue();
    RepairRequest request = Json.read(ask.value(), RepairRequest.class);
    assertThat(request.traceId()).isEqualTo("t1");
    assertThat(request.tenant()).isEqualTo("fixer");
    assertThat(request.arguments()).isEqualTo(BROKEN);
    assertThat(request.argumentsSchemaName()).isEqualTo("openai.tooluse.invoice.arguments.v1");
    assertThat(request.failure()).contains("strict: ").contains("tolerant_parse: ");
    assertThat(request.reservedTokens()).isGreaterThan(1024);

    reply(replied(request, REPAIRED, 321));

    TestRecord<String, ExchangeResult> result = results.readRecord();
    assertThat(result.value().status()).isEqualTo(200);
    assertThat(header(result, SignetHeaders.CORRELATION_ID)).isEqualTo("corr-k1");
    assertThat(result.value().body().tree().at("/normalized/Document/Invoice/TotalMinor").asLong())
        .isEqualTo(1250);
    Receipt receipt = receipts.readValue();
    assertThat(receipt.fallbackUsed()).isTrue();
    assertThat(receipt.fuTokens()).isEqualTo(321);
    assertThat(receipt.repair().step()).isEqualTo("llm_fallback");
    assertThat(receipt.repair().originalHash()).isEqualTo(Hashes.sha256(BROKEN));
    assertThat(receipt.repair().repairedHash())
        .isEqualTo(Hashes.sha256(Canonical.canonicalize(Json.parse(REPAIRED))));
    assertThat(charges.isEmpty()).as("a receipt bills the tokens, no charge beside it").isTrue();
    assertThat(meters.get("signet_fallback_used").counter().count()).isEqualTo(1.0);
    assertThat(meters.get("signet_repair_attempts").tag("step", "llm_fallback").counter().count())
        .isEqualTo(1.0);
    assertThat(meters.get("signet_exchange_phase_latency").tag("phase", "repair").timer().count())
        .isEqualTo(1);
  }

  @Test
  void shouldTellARetryTheRepairIsInProgressAndReplayTheAnswerAfterwards() {
    send("t1", BROKEN, "fix_key", "k1");
    RepairRequest request = Json.read(asks.readValue(), RepairRequest.class);

    send("t1", BROKEN, "fix_key", "k1");
    ExchangeResult meanwhile = results.readValue();
    assertThat(meanwhile.code()).isEqualTo("IDEMPOTENCY_IN_PROGRESS");
    assertThat(meanwhile.status()).isEqualTo(409);
    assertThat(asks.isEmpty()).as("the model is not asked twice").isTrue();

    reply(replied(request, REPAIRED, 321));
    ExchangeResult answered = results.readValue();
    assertThat(answered.status()).isEqualTo(200);

    send("t1", BROKEN, "fix_key", "k1");
    ExchangeResult replayed = results.readValue();
    assertThat(replayed.status()).isEqualTo(200);
    assertThat(replayed.idempotencyHit()).isTrue();
    assertThat(receipts.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldAnswerWhatDependsOnTheQuotaOrAnExchangeInProgressOnlyOnceCommitted() {
    send("t1", BROKEN, "fix_key", "k1");
    RepairRequest request = Json.read(asks.readValue(), RepairRequest.class);
    send("t1", BROKEN, "fix_key", "k1");
    assertThat(settled.readValue().code()).isEqualTo("IDEMPOTENCY_IN_PROGRESS");

    // The outcome is read from the requests log, where it was sequenced after the retry; its
    // receipt is a function of committed records, so its reply may be read before the commit.
    reply(replied(request, REPAIRED, 321));
    ExchangeResult answered = early.readValue();
    assertThat(answered.status()).isEqualTo(200);
    assertThat(sequenced.readRecordsToList())
        .singleElement()
        .satisfies(
            record -> assertThat(header(record, SignetHeaders.STAGE_OUTCOME)).isEqualTo("repair"));

    // The quota is read from billing's totals, which a replay of the transaction may see changed.
    send("t2", BROKEN, "tight_key", "k2");
    asks.readValue();
    send("t3", BROKEN, "tight_key", "k3");
    assertThat(settled.readValue().code()).isEqualTo("FU_QUOTA_EXCEEDED");
    send("t3", BROKEN, "tight_key", "k3");
    assertThat(settled.readValue().code()).as("its replay too").isEqualTo("FU_QUOTA_EXCEEDED");
    assertThat(early.isEmpty()).isTrue();
    assertThat(asyncResults.isEmpty()).as("a caller's reply is not an async result").isTrue();
  }

  @Test
  void shouldRefuseARepairThatChangesTheAmountAndChargeItsTokens() {
    send("t1", BROKEN, "fix_key", "k1");
    RepairRequest request = Json.read(asks.readValue(), RepairRequest.class);

    reply(replied(request, REPAIRED.replace("12.50", "1250"), 400));

    ExchangeResult result = results.readValue();
    assertThat(result.code()).isEqualTo("SEMANTIC_VIOLATION");
    JsonNode problem = result.body().tree();
    assertThat(problem.at("/violations/0/rule").asText()).isEqualTo("preserved");
    assertThat(problem.at("/violations/0/field").asText()).isEqualTo("/amount");
    assertThat(problem.at("/violations/0/expected").asText()).isEqualTo("12.50");
    assertThat(problem.at("/violations/0/actual").asText()).isEqualTo("1250");
    assertThat(problem.get("fu_tokens").asLong()).isEqualTo(400);
    assertThat(receipts.isEmpty()).isTrue();
    TestRecord<String, byte[]> charge = charges.readRecord();
    assertThat(macs.fuCharge().verify(charge.headers(), charge.value())).isTrue();
    FuCharge fu = Json.read(charge.value(), FuCharge.class);
    assertThat(fu.tenant()).isEqualTo("fixer");
    assertThat(fu.fuTokens()).isEqualTo(400);
    assertThat(fu.repairId()).isEqualTo(request.repairId());
    assertThat(fu.reason()).isEqualTo("SEMANTIC_VIOLATION");
    assertThat(meters.get("signet_semantic_violation").tag("rule", "preserved").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void shouldRefuseAReplyThatIsNoJsonOfTheSchemaAndStillChargeIt() {
    send("t1", BROKEN, "fix_key", "k1");
    RepairRequest request = Json.read(asks.readValue(), RepairRequest.class);

    reply(replied(request, "I cannot help with that.", 50));

    ExchangeResult result = results.readValue();
    assertThat(result.code()).isEqualTo("REPAIR_FAILED");
    assertThat(result.body().tree().get("detail").asText()).contains("llm_fallback");
    assertThat(Json.read(charges.readValue(), FuCharge.class).fuTokens()).isEqualTo(50);
  }

  @Test
  void shouldReadAFencedReplyAsTheRepair() {
    send("t1", BROKEN, "fix_key", "k1");
    RepairRequest request = Json.read(asks.readValue(), RepairRequest.class);

    reply(replied(request, "```json\n" + REPAIRED + "\n```", 321));

    assertThat(results.readValue().status()).isEqualTo(200);
    Receipt receipt = receipts.readValue();
    assertThat(receipt.repair().repairedHash())
        .isEqualTo(Hashes.sha256(Canonical.canonicalize(Json.parse(REPAIRED))));
  }

  @Test
  void shouldRefuseAReplyOffTheArgumentsSchemaAndChargeIt() {
    send("t1", BROKEN, "fix_key", "k1");
    RepairRequest request = Json.read(asks.readValue(), RepairRequest.class);

    reply(replied(request, "{\"invoice_id\":\"INV-1\",\"currency\":\"EUR\"}", 77));

    ExchangeResult result = results.readValue();
    assertThat(result.code()).isEqualTo("REPAIR_FAILED");
    assertThat(result.body().tree().get("detail").asText())
        .contains("llm_fallback: the reply does not satisfy openai.tooluse.invoice.arguments.v1");
    assertThat(result.body().tree().get("fu_tokens").asLong()).isEqualTo(77);
    assertThat(Json.read(charges.readValue(), FuCharge.class).fuTokens()).isEqualTo(77);
  }

  @Test
  void shouldRefuseACallThatNeverCompletedWithoutCharging() {
    send("t1", BROKEN, "fix_key", "k1");
    RepairRequest request = Json.read(asks.readValue(), RepairRequest.class);

    reply(
        new RepairOutcome(
            request.repairId(),
            "t1",
            "fixer",
            RepairOutcome.Status.FAILED,
            null,
            0,
            null,
            3,
            "MODEL_HTTP_500",
            "the model answered HTTP 500",
            1500,
            START.toString()));

    ExchangeResult result = results.readValue();
    assertThat(result.code()).isEqualTo("REPAIR_FAILED");
    assertThat(result.body().tree().get("detail").asText()).contains("MODEL_HTTP_500");
    assertThat(charges.isEmpty()).isTrue();
  }

  @Test
  void shouldIgnoreForgedAndRepeatedOutcomes() {
    send("t1", BROKEN, "fix_key", "k1");
    RepairRequest request = Json.read(asks.readValue(), RepairRequest.class);
    byte[] good = Json.toBytes(replied(request, REPAIRED, 321));

    RecordHeaders forged = new RecordHeaders();
    SignetHeaders.put(forged, SignetHeaders.RECORD_MAC, macs.request().sign(good));
    outcomes.pipeInput(new TestRecord<>("t1", good, forged, START));
    assertThat(results.isEmpty()).as("a MAC of another purpose is no outcome").isTrue();

    reply(replied(request, REPAIRED, 321));
    reply(replied(request, REPAIRED, 999));

    assertThat(results.readValuesToList()).hasSize(1);
    assertThat(receipts.readValuesToList()).extracting(Receipt::fuTokens).containsExactly(321L);
    assertThat(charges.isEmpty()).isTrue();
    assertThat(meters.get("signet_repair_outcomes_refused").counter().count()).isEqualTo(1.0);

    // Nor is a genuine outcome's bytes put straight on the requests topic with another stage's
    // mark, or with its MAC stripped: the sequenced copy is checked again where it is read.
    RecordHeaders asForward = new RecordHeaders();
    SignetHeaders.put(asForward, SignetHeaders.RECORD_MAC, macs.outcome().sign(good));
    SignetHeaders.put(asForward, SignetHeaders.STAGE_OUTCOME, "forward");
    requests.pipeInput(new TestRecord<>("t1", good, asForward, clock));
    RecordHeaders unsigned = new RecordHeaders();
    SignetHeaders.put(unsigned, SignetHeaders.STAGE_OUTCOME, "repair");
    requests.pipeInput(new TestRecord<>("t1", good, unsigned, clock));
    assertThat(results.isEmpty()).isTrue();
    assertThat(receipts.isEmpty()).isTrue();
    assertThat(meters.get("signet_forward_outcomes_refused").counter().count()).isEqualTo(1.0);
    assertThat(meters.get("signet_repair_outcomes_refused").counter().count()).isEqualTo(2.0);
    assertThat(
            meters.get("signet_stage_outcomes_unmatched").tag("stage", "model").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void shouldRefuseTenantsWithoutTheFallbackWithoutAskingTheModel() {
    send("t1", BROKEN, "plain_key", "k1");

    ExchangeResult result = results.readValue();
    assertThat(result.code()).isEqualTo("REPAIR_FAILED");
    assertThat(result.body().tree().get("detail").asText())
        .contains("llm_fallback: not enabled for this tenant");
    assertThat(asks.isEmpty()).isTrue();
  }

  @Test
  void shouldRefuseOverTheQuotaFromBillingsAuthenticTotalsOnly() {
    PeriodTotal nearlyAll =
        new PeriodTotal("tight", "2026-11", PeriodTotal.FU, 2500, START.toString());
    publishTotal(nearlyAll, false);

    send("t1", BROKEN, "tight_key", "k1");

    ExchangeResult result = results.readValue();
    assertThat(result.status()).isEqualTo(429);
    assertThat(result.code()).isEqualTo("FU_QUOTA_EXCEEDED");
    JsonNode problem = result.body().tree();
    assertThat(problem.get("used").asLong()).isEqualTo(2500);
    assertThat(problem.get("limit").asLong()).isEqualTo(3000);
    assertThat(problem.get("resets_at").asText()).isEqualTo("2026-12-01T00:00:00Z");
    assertThat(asks.isEmpty()).isTrue();

    // A forged total cannot lift the quota.
    publishTotal(new PeriodTotal("tight", "2026-11", PeriodTotal.FU, 0, START.toString()), true);
    send("t2", BROKEN, "tight_key", "k2");
    assertThat(results.readValue().code()).isEqualTo("FU_QUOTA_EXCEEDED");
  }

  @Test
  void shouldCountTokensInFlightAndJustSettledUntilBillingHasThem() {
    // The first call's estimate fits an empty month; while it is in flight, a second does not.
    send("t1", BROKEN, "tight_key", "k1");
    RepairRequest first = Json.read(asks.readValue(), RepairRequest.class);
    assertThat(first.reservedTokens()).isLessThan(3000).isGreaterThan(1500);
    send("t2", BROKEN, "tight_key", "k2");
    assertThat(results.readValue().code()).isEqualTo("FU_QUOTA_EXCEEDED");

    // Settled at its real count: 1000 tokens leave room for one more estimate.
    reply(replied(first, REPAIRED, 1000));
    assertThat(results.readValue().status()).isEqualTo(200);
    send("t3", BROKEN, "tight_key", "k3");
    RepairRequest third = Json.read(asks.readValue(), RepairRequest.class);
    assertThat(third.traceId()).isEqualTo("t3");
    reply(replied(third, REPAIRED, 1000));
    assertThat(results.readValue().status()).isEqualTo(200);

    // 2000 settled here: nothing fits, until the settle window passes without billing's total...
    send("t4", BROKEN, "tight_key", "k4");
    assertThat(results.readValue().code()).isEqualTo("FU_QUOTA_EXCEEDED");
    // Record time, as the broker stamps it, moves with the wall clock.
    clock = clock.plusSeconds(3);
    driver.advanceWallClockTime(Duration.ofSeconds(3));
    // ...after which billing's total is the measure: once it has the 2000, nothing fits again.
    publishTotal(
        new PeriodTotal("tight", "2026-11", PeriodTotal.FU, 2000, START.toString()), false);
    send("t5", BROKEN, "tight_key", "k5");
    ExchangeResult refused = results.readValue();
    assertThat(refused.code()).isEqualTo("FU_QUOTA_EXCEEDED");
    assertThat(refused.body().tree().get("used").asLong()).isEqualTo(2000);
  }

  private void send(String trace, String arguments, String apiKey, String idempotencyKey) {
    RecordHeaders headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.API_KEY, apiKey);
    SignetHeaders.put(headers, SignetHeaders.IDEMPOTENCY_KEY, idempotencyKey);
    SignetHeaders.put(headers, SignetHeaders.CORRELATION_ID, "corr-" + idempotencyKey);
    requests.pipeInput(
        new TestRecord<>(trace, Json.toBytes(invoiceRequest(trace, arguments)), headers, clock));
  }

  private static RepairOutcome replied(RepairRequest request, String content, long tokens) {
    return new RepairOutcome(
        request.repairId(),
        request.traceId(),
        request.tenant(),
        RepairOutcome.Status.REPLIED,
        content,
        tokens,
        "stub-model",
        1,
        null,
        null,
        200,
        START.toString());
  }

  private void reply(RepairOutcome outcome) {
    byte[] value = Json.toBytes(outcome);
    RecordHeaders headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.RECORD_MAC, macs.outcome().sign(value));
    outcomes.pipeInput(new TestRecord<>(outcome.traceId(), value, headers, clock));
  }

  private void publishTotal(PeriodTotal total, boolean forged) {
    byte[] value = Json.toBytes(total);
    RecordHeaders headers = new RecordHeaders();
    if (!forged) {
      SignetHeaders.put(
          headers, SignetHeaders.RECORD_MAC, BillingMacs.of(SECRET).periodTotals().sign(value));
    }
    periodTotals.pipeInput(new TestRecord<>(total.key(), value, headers, START));
  }

  private static String header(TestRecord<String, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
