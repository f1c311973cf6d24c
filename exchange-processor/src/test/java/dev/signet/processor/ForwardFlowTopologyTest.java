package dev.signet.processor;

import static dev.signet.processor.ExchangeTopologyTest.SECRET;
import static dev.signet.processor.ExchangeTopologyTest.invoiceArguments;
import static dev.signet.processor.ExchangeTopologyTest.invoiceRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.ForwardMacs;
import dev.signet.core.crypto.RepairMacs;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.ForwardOutcome;
import dev.signet.core.message.ForwardRequest;
import dev.signet.core.message.FuCharge;
import dev.signet.core.message.RepairOutcome;
import dev.signet.core.message.RepairRequest;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.topic.Topics;
import dev.signet.core.types.TypeRegistry;
import dev.signet.processor.egress.EgressSettings;
import dev.signet.processor.repair.RepairPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * Forwarding inside the exchange topology: a forward the policy can refuse without DNS is refused
 * at once (403, nothing issued); an allowed one parks the exchange and asks the forward worker; its
 * recorded outcome, and only an authentic one, issues the receipt with what became of the forward,
 * or refuses the exchange when the resolved addresses were denied.
 */
class ForwardFlowTopologyTest {

  private static final String API_KEYS =
      "{\"fwd_key\":{\"tenant\":\"fwd\",\"allowlist\":[\"hooks.partner.example\"],"
          + "\"fallback_enabled\":true}}";
  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
  private static final String HOOK = "https://hooks.partner.example/in";
  private static final String BROKEN =
      "{invoice_id: 'INV-1', amount: '12.50', currency: 'EUR', customer_name: 'ACME'";

  private final ForwardMacs forwardMacs = ForwardMacs.of(SECRET);
  private final RepairMacs repairMacs = RepairMacs.of(SECRET);
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> requests;
  private TestInputTopic<String, byte[]> forwardOutcomes;
  private TestInputTopic<String, byte[]> repairOutcomes;
  private TestDrivers.Results results;
  private TestOutputTopic<String, Receipt> receipts;
  private TestOutputTopic<String, byte[]> forwardAsks;
  private TestOutputTopic<String, byte[]> repairAsks;
  private TestOutputTopic<String, byte[]> charges;

  @BeforeEach
  void setUp() {
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
                new RepairPolicy(true, 1024, Duration.ofSeconds(2)),
                EgressSettings.defaults()),
            new SimpleMeterRegistry());
    driver = TestDrivers.start(topology, START);
    requests = TestDrivers.requests(driver);
    results = TestDrivers.results(driver);
    receipts = TestDrivers.output(driver, Topics.RECEIPTS);
    forwardOutcomes = TestDrivers.rawInput(driver, Topics.EXCHANGE_FORWARD_OUTCOMES);
    repairOutcomes = TestDrivers.rawInput(driver, Topics.EXCHANGE_REPAIR_OUTCOMES);
    forwardAsks = TestDrivers.rawOutput(driver, Topics.EXCHANGE_FORWARD_REQUESTS);
    repairAsks = TestDrivers.rawOutput(driver, Topics.EXCHANGE_REPAIR_REQUESTS);
    charges = TestDrivers.rawOutput(driver, Topics.EXCHANGE_FU_CHARGES);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void shouldRefuseAtOnceWhatThePolicyRefusesWithoutDns() {
    send("t1", invoiceArguments("12.50", "EUR"), "https://evil.example/in", "k1");
    send("t2", invoiceArguments("12.50", "EUR"), "http://hooks.partner.example/in", "k2");
    send("t3", invoiceArguments("12.50", "EUR"), "https://u:p@hooks.partner.example/in", "k3");
    send("t4", invoiceArguments("12.50", "EUR"), "https://hooks.partner.example:8443/in", "k4");

    assertThat(results.readValuesToList())
        .extracting(ExchangeResult::code)
        .containsExactly(
            "HEL_HOST_NOT_ALLOWED",
            "HEL_SCHEME_NOT_HTTPS",
            "HEL_USERINFO_NOT_ALLOWED",
            "HEL_PORT_NOT_ALLOWED");
    assertThat(receipts.isEmpty()).as("a denial is never billed").isTrue();
    assertThat(forwardAsks.isEmpty()).isTrue();
  }

  @Test
  void shouldParkAskTheWorkerAndIssueTheReceiptWithTheForward() {
    send("t1", invoiceArguments("12.50", "EUR"), HOOK, "k1");

    assertThat(results.isEmpty()).as("the caller waits for the forward").isTrue();
    TestRecord<String, byte[]> ask = forwardAsks.readRecord();
    assertThat(forwardMacs.request().verify(ask.headers(), ask.value())).isTrue();
    ForwardRequest request = Json.read(ask.value(), ForwardRequest.class);
    assertThat(request.host()).isEqualTo("hooks.partner.example");
    assertThat(request.port()).isEqualTo(443);
    assertThat(request.pathAndQuery()).isEqualTo("/in");
    assertThat(request.cid()).isEqualTo(ReceiptIssuer.contentId(request.canon()));

    reply(forwarded(request, ForwardOutcome.Status.FORWARDED, 202, null));

    ExchangeResult result = results.readValue();
    assertThat(result.status()).isEqualTo(200);
    assertThat(result.body().tree().at("/forwarded/status_code").asInt()).isEqualTo(202);
    Receipt receipt = receipts.readValue();
    assertThat(receipt.cid()).isEqualTo(request.cid());
    assertThat(receipt.forwarded().url()).isEqualTo(HOOK);
    assertThat(receipt.forwarded().pinnedIp()).isEqualTo("93.184.216.34");
    assertThat(receipt.forwarded().statusCode()).isEqualTo(202);
    assertThat(receipt.forwarded().responseCid()).isEqualTo("sha256:" + "a".repeat(64));
    assertThat(receipt.forwarded().error()).isNull();
    assertThat(receipt.policy().allowed()).isTrue();

    send("t1", invoiceArguments("12.50", "EUR"), HOOK, "k1");
    ExchangeResult replay = results.readValue();
    assertThat(replay.idempotencyHit()).isTrue();
    assertThat(replay.body())
        .as("rebuilt from the stored receipt, byte for byte")
        .isEqualTo(result.body());
    assertThat(forwardAsks.isEmpty()).as("a replay forwards nothing").isTrue();
  }

  @Test
  void shouldStillIssueTheReceiptOfAForwardThatFailed() {
    send("t1", invoiceArguments("12.50", "EUR"), HOOK, "k1");
    ForwardRequest request = Json.read(forwardAsks.readValue(), ForwardRequest.class);

    reply(
        forwarded(
            request, ForwardOutcome.Status.FAILED, null, "FORWARD_TIMEOUT: no answer in 10s"));

    assertThat(results.readValue().status()).isEqualTo(200);
    Receipt receipt = receipts.readValue();
    assertThat(receipt.forwarded().statusCode()).isNull();
    assertThat(receipt.forwarded().error()).startsWith("FORWARD_TIMEOUT");
  }

  @Test
  void shouldRefuseWhatTheResolvedAddressesDenyAndIssueNothing() {
    send("t1", invoiceArguments("12.50", "EUR"), HOOK, "k1");
    ForwardRequest request = Json.read(forwardAsks.readValue(), ForwardRequest.class);

    reply(denied(request, "HEL_RESOLVED_PRIVATE"));

    ExchangeResult result = results.readValue();
    assertThat(result.status()).isEqualTo(403);
    assertThat(result.code()).isEqualTo("HEL_RESOLVED_PRIVATE");
    assertThat(receipts.isEmpty()).isTrue();
  }

  @Test
  void shouldIgnoreAForgedOutcome() {
    send("t1", invoiceArguments("12.50", "EUR"), HOOK, "k1");
    ForwardRequest request = Json.read(forwardAsks.readValue(), ForwardRequest.class);
    byte[] value = Json.toBytes(forwarded(request, ForwardOutcome.Status.FORWARDED, 200, null));
    RecordHeaders forged = new RecordHeaders();
    SignetHeaders.put(forged, SignetHeaders.RECORD_MAC, forwardMacs.request().sign(value));
    forwardOutcomes.pipeInput(new TestRecord<>("t1", value, forged, START));

    assertThat(results.isEmpty()).isTrue();
    assertThat(receipts.isEmpty()).isTrue();
  }

  @Test
  void shouldRepairThenForwardAndChargeTheModelWhenTheForwardIsDenied() {
    send("t1", BROKEN, HOOK, "k1");
    RepairRequest repair = Json.read(repairAsks.readValue(), RepairRequest.class);
    replyRepair(
        repair,
        "{\"invoice_id\":\"INV-1\",\"amount\":12.50,\"currency\":\"EUR\","
            + "\"customer_name\":\"ACME\"}",
        300);
    assertThat(results.isEmpty()).as("repaired, now waiting for the forward").isTrue();
    ForwardRequest first = Json.read(forwardAsks.readValue(), ForwardRequest.class);
    reply(forwarded(first, ForwardOutcome.Status.FORWARDED, 200, null));

    Receipt receipt = receipts.readValue();
    assertThat(receipt.fallbackUsed()).isTrue();
    assertThat(receipt.fuTokens()).isEqualTo(300);
    assertThat(receipt.forwarded().statusCode()).isEqualTo(200);
    assertThat(results.readValue().status()).isEqualTo(200);

    send("t2", BROKEN, HOOK, "k2");
    RepairRequest second = Json.read(repairAsks.readValue(), RepairRequest.class);
    replyRepair(
        second,
        "{\"invoice_id\":\"INV-1\",\"amount\":12.50,\"currency\":\"EUR\","
            + "\"customer_name\":\"ACME\"}",
        250);
    reply(
        denied(Json.read(forwardAsks.readValue(), ForwardRequest.class), "HEL_RESOLVED_LOOPBACK"));

    JsonNode problem = results.readValue().body().tree();
    assertThat(problem.get("code").asText()).isEqualTo("HEL_RESOLVED_LOOPBACK");
    assertThat(problem.get("fu_tokens").asLong()).isEqualTo(250);
    FuCharge charge = Json.read(charges.readValue(), FuCharge.class);
    assertThat(charge.fuTokens()).isEqualTo(250);
    assertThat(charge.reason()).isEqualTo("HEL_RESOLVED_LOOPBACK");
    assertThat(receipts.isEmpty()).isTrue();
  }

  private void send(String trace, String arguments, String forwardUrl, String idempotencyKey) {
    ObjectNode body = invoiceRequest(trace, arguments);
    body.put("forward_url", forwardUrl);
    RecordHeaders headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.API_KEY, "fwd_key");
    SignetHeaders.put(headers, SignetHeaders.IDEMPOTENCY_KEY, idempotencyKey);
    SignetHeaders.put(headers, SignetHeaders.CORRELATION_ID, "corr-" + idempotencyKey);
    requests.pipeInput(new TestRecord<>(trace, Json.toBytes(body), headers, START));
  }

  private static ForwardOutcome forwarded(
      ForwardRequest request, ForwardOutcome.Status status, Integer statusCode, String error) {
    return new ForwardOutcome(
        request.forwardId(),
        request.traceId(),
        request.tenant(),
        status,
        null,
        null,
        request.url(),
        request.host(),
        "93.184.216.34",
        statusCode,
        statusCode == null ? null : 17L,
        statusCode == null ? null : "sha256:" + "a".repeat(64),
        error,
        40,
        START.toString());
  }

  private static ForwardOutcome denied(ForwardRequest request, String code) {
    return new ForwardOutcome(
        request.forwardId(),
        request.traceId(),
        request.tenant(),
        ForwardOutcome.Status.DENIED,
        code,
        "hooks.partner.example resolved to a denied address",
        request.url(),
        request.host(),
        null,
        null,
        null,
        null,
        null,
        3,
        START.toString());
  }

  private void reply(ForwardOutcome outcome) {
    byte[] value = Json.toBytes(outcome);
    RecordHeaders headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.RECORD_MAC, forwardMacs.outcome().sign(value));
    forwardOutcomes.pipeInput(new TestRecord<>(outcome.traceId(), value, headers, START));
  }

  private void replyRepair(RepairRequest request, String content, long tokens) {
    RepairOutcome outcome =
        new RepairOutcome(
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
    byte[] value = Json.toBytes(outcome);
    RecordHeaders headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.RECORD_MAC, repairMacs.outcome().sign(value));
    repairOutcomes.pipeInput(new TestRecord<>(outcome.traceId(), value, headers, START));
  }
}
