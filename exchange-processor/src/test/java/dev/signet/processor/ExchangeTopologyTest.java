package dev.signet.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.ReceiptMac;
import dev.signet.core.crypto.ResultMac;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.topic.Topics;
import dev.signet.core.trace.TraceIds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExchangeTopologyTest {

  private static final String API_KEYS =
      "{\"demo_key\":{\"tenant\":\"demo\"},\"other_key\":{\"tenant\":\"other\"}}";
  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

  private final SigningKey key = SigningKey.generate("test-kid");
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> requests;
  private TestDrivers.Results results;
  private TestOutputTopic<String, Receipt> receipts;
  private TestOutputTopic<String, byte[]> dlq;

  static final ServerSecret SECRET =
      ServerSecret.parse("dGVzdC1zZXJ2ZXItc2VjcmV0LW9mLWF0LWxlYXN0LTMyLWJ5dGVz");

  static ExchangeTopology topology(SigningKey key, Duration retention, int partitions) {
    return new ExchangeTopology(
        new ExchangeTopology.Settings(
            ApiKeys.parse(API_KEYS),
            key,
            SECRET,
            new Admission.Limits(262_144, 16),
            retention,
            partitions),
        new SimpleMeterRegistry());
  }

  @BeforeEach
  void setUp() {
    start(1);
  }

  private void start(int partitions) {
    start(topology(key, Duration.ofHours(24), partitions));
  }

  private void start(ExchangeTopology topology) {
    if (driver != null) {
      driver.close();
    }
    driver = TestDrivers.start(topology, START);
    requests = TestDrivers.requests(driver);
    results = TestDrivers.results(driver);
    receipts = TestDrivers.output(driver, Topics.RECEIPTS);
    dlq = TestDrivers.output(driver, Topics.EXCHANGE_DLQ);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  static String invoiceArguments(String amount, String currency) {
    return "{\"invoice_id\":\"INV-1\",\"amount\":"
        + amount
        + ",\"currency\":\""
        + currency
        + "\",\"customer_name\":\"ACME GmbH\",\"description\":\"Consulting\"}";
  }

  static ObjectNode invoiceRequest(String traceId, String arguments) {
    ObjectNode request = Json.MAPPER.createObjectNode();
    request.put("payload_type", "openai.tooluse.invoice.v1");
    request.put("target_type", "invoice.iso20022.v1");
    if (traceId != null) {
      request.put("trace_id", traceId);
    }
    request
        .putObject("payload")
        .putArray("tool_calls")
        .addObject()
        .put("type", "function")
        .putObject("function")
        .put("name", "create_invoice")
        .put("arguments", arguments);
    return request;
  }

  private void send(String key, JsonNode body, String apiKey, String idempotencyKey) {
    send(key, Json.toBytes(body), apiKey, idempotencyKey);
  }

  private void send(String key, byte[] body, String apiKey, String idempotencyKey) {
    RecordHeaders headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.API_KEY, apiKey);
    SignetHeaders.put(headers, SignetHeaders.IDEMPOTENCY_KEY, idempotencyKey);
    SignetHeaders.put(headers, SignetHeaders.CORRELATION_ID, "corr-" + idempotencyKey);
    requests.pipeInput(new TestRecord<>(key, body, headers, START));
  }

  @Test
  void shouldAnswerCallersOnTheRepliesTopicAndAsyncProducersOnTheResultsTopic() {
    TestOutputTopic<String, ExchangeResult> asyncResults =
        TestDrivers.output(driver, Topics.EXCHANGE_RESULTS);
    TestOutputTopic<String, ExchangeResult> replies =
        TestDrivers.output(driver, Topics.EXCHANGE_REPLIES);
    TestOutputTopic<String, ExchangeResult> settled =
        TestDrivers.output(driver, Topics.EXCHANGE_REPLIES_SETTLED);

    send("t1", invoiceRequest("t1", invoiceArguments("1", "EUR")), "demo_key", "k1");
    RecordHeaders async = new RecordHeaders();
    SignetHeaders.put(async, SignetHeaders.API_KEY, "demo_key");
    requests.pipeInput(
        new TestRecord<>(
            "t2", Json.toBytes(invoiceRequest("t2", invoiceArguments("2", "EUR"))), async, START));
    send("t3", "not json".getBytes(StandardCharsets.UTF_8), "demo_key", "k3");

    assertThat(replies.readRecordsToList())
        .extracting(TestRecord::key, record -> record.value().status())
        .containsExactly(tuple("t1", 200), tuple("t3", 400));
    assertThat(asyncResults.readRecordsToList())
        .extracting(TestRecord::key, record -> record.value().status())
        .containsExactly(tuple("t2", 200));
    assertThat(settled.isEmpty()).isTrue();
  }

  @Test
  void shouldTimeTheReceiptByItsRequestRecordNotByTheProcessorsClock() {
    Instant appended = START.plus(Duration.ofMinutes(7)).plusMillis(123);
    RecordHeaders headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.API_KEY, "demo_key");
    requests.pipeInput(
        new TestRecord<>(
            "t1",
            Json.toBytes(invoiceRequest("t1", invoiceArguments("1", "EUR"))),
            headers,
            appended));

    assertThat(receipts.readValue().ts()).isEqualTo("2026-11-25T10:07:00.123Z");
  }

  @Test
  void shouldIssueVerifiableReceiptWithMinorUnits() {
    send("t1", invoiceRequest("t1", invoiceArguments("123.45", "USD")), "demo_key", "k1");

    TestRecord<String, ExchangeResult> result = results.readRecord();
    assertThat(result.value().status()).isEqualTo(200);
    assertThat(result.value().body().tree().at("/normalized/Document/Invoice/TotalMinor").asLong())
        .isEqualTo(12345);
    assertThat(result.value().body().tree().at("/normalized/Document/Invoice/Currency").asText())
        .isEqualTo("USD");
    assertThat(
            new String(
                result.headers().lastHeader(SignetHeaders.CORRELATION_ID).value(),
                StandardCharsets.UTF_8))
        .isEqualTo("corr-k1");
    assertThat(result.headers().lastHeader(SignetHeaders.API_KEY)).isNull();

    Receipt receipt = receipts.readValue();
    assertThat(receipt.hop()).isEqualTo(1);
    assertThat(receipt.tenant()).isEqualTo("demo");
    assertThat(receipt.prevReceiptHash()).isNull();
    assertThat(receipt.ts()).isEqualTo("2026-11-25T10:00:00.000Z");
    assertThat(receipt.canon())
        .isEqualTo(
            "{\"Document\":{\"Invoice\":{\"Currency\":\"USD\",\"Id\":\"INV-1\",\"Note\":\"Consulting\",\"Party\":{\"Name\":\"ACME GmbH\"},\"TotalMinor\":12345}}}");
    Jwks jwks = Jwks.of(key.publicKey(), List.of());
    assertThat(ReceiptVerifier.withKeys(jwks).verifyReceipt(Json.tree(receipt)).valid()).isTrue();
    assertThat(result.value().body().tree().get("receipt")).isEqualTo(Json.tree(receipt));
  }

  @Test
  void shouldKeepYenAmountsWholeAndRejectExcessDecimals() {
    send("t1", invoiceRequest("t1", invoiceArguments("1000", "JPY")), "demo_key", "k1");
    assertThat(
            results
                .readValue()
                .body()
                .tree()
                .at("/normalized/Document/Invoice/TotalMinor")
                .asLong())
        .isEqualTo(1000);

    send("t2", invoiceRequest("t2", invoiceArguments("10.5", "JPY")), "demo_key", "k2");
    ExchangeResult rejected = results.readValue();
    assertThat(rejected.status()).isEqualTo(422);
    assertThat(rejected.code()).isEqualTo("SEMANTIC_VIOLATION");
    assertThat(receipts.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldChainHopsOfOneTrace() {
    send("t1", invoiceRequest("t1", invoiceArguments("1", "USD")), "demo_key", "k1");
    driver.advanceWallClockTime(Duration.ofMillis(5));
    send("t1", invoiceRequest("t1", invoiceArguments("2", "USD")), "demo_key", "k2");

    List<Receipt> chain = receipts.readValuesToList();
    assertThat(chain).extracting(Receipt::hop).containsExactly(1, 2);
    assertThat(chain.get(1).prevReceiptHash()).isEqualTo(chain.get(0).receiptHash());
    Jwks jwks = Jwks.of(key.publicKey(), List.of());
    assertThat(
            ReceiptVerifier.withKeys(jwks)
                .verifyChain(chain.stream().map(Json::tree).map(JsonNode.class::cast).toList())
                .valid())
        .isTrue();
  }

  @Test
  void shouldReplayIdempotentRequestWithoutSecondReceipt() {
    ObjectNode body = invoiceRequest("t1", invoiceArguments("9.99", "EUR"));
    send("t1", body, "demo_key", "same");
    send("t1", body, "demo_key", "same");

    List<ExchangeResult> replies = results.readValuesToList();
    assertThat(replies).hasSize(2);
    assertThat(replies.get(0).idempotencyHit()).isFalse();
    assertThat(replies.get(1).idempotencyHit()).isTrue();
    assertThat(replies.get(1).body()).isEqualTo(replies.get(0).body());
    assertThat(receipts.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldRejectIdempotencyKeyReusedWithDifferentBody() {
    send("t1", invoiceRequest("t1", invoiceArguments("1", "EUR")), "demo_key", "same");
    send("t1", invoiceRequest("t1", invoiceArguments("2", "EUR")), "demo_key", "same");

    List<ExchangeResult> replies = results.readValuesToList();
    assertThat(replies.get(1).status()).isEqualTo(409);
    assertThat(replies.get(1).code()).isEqualTo("IDEMPOTENCY_CONFLICT");
    assertThat(receipts.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldScopeIdempotencyKeysPerTenant() {
    send("a", invoiceRequest("a", invoiceArguments("1", "EUR")), "demo_key", "same");
    send("b", invoiceRequest("b", invoiceArguments("2", "EUR")), "other_key", "same");

    assertThat(results.readValuesToList())
        .extracting(ExchangeResult::status)
        .containsExactly(200, 200);
    assertThat(receipts.readValuesToList())
        .extracting(Receipt::tenant)
        .containsExactly("demo", "other");
  }

  @Test
  void shouldRejectUnauthenticatedRecordsWithoutReceipt() {
    send("t1", invoiceRequest("t1", invoiceArguments("1", "USD")), null, "k1");
    send("t1", invoiceRequest("t1", invoiceArguments("1", "USD")), "forged", "k2");

    assertThat(results.readValuesToList())
        .extracting(ExchangeResult::code)
        .containsExactly("AUTH_MISSING", "AUTH_INVALID");
    assertThat(receipts.isEmpty()).isTrue();
  }

  @Test
  void shouldForbidAnotherTenantAppendingToATrace() {
    send("t1", invoiceRequest("t1", invoiceArguments("1", "USD")), "demo_key", "k1");
    send("t1", invoiceRequest("t1", invoiceArguments("1", "USD")), "other_key", "k2");

    List<ExchangeResult> replies = results.readValuesToList();
    assertThat(replies.get(1).status()).isEqualTo(403);
    assertThat(replies.get(1).code()).isEqualTo("TRACE_FORBIDDEN");
    assertThat(receipts.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldRefuseStaleExpectedPrevReceiptHash() {
    send("t1", invoiceRequest("t1", invoiceArguments("1", "USD")), "demo_key", "k1");
    Receipt first = receipts.readValue();
    ObjectNode stale = invoiceRequest("t1", invoiceArguments("2", "USD"));
    stale.put("expected_prev_receipt_hash", "sha256:0000");
    send("t1", stale, "demo_key", "k2");
    ObjectNode current = invoiceRequest("t1", invoiceArguments("3", "USD"));
    current.put("expected_prev_receipt_hash", first.receiptHash());
    send("t1", current, "demo_key", "k3");

    assertThat(results.readValuesToList())
        .extracting(ExchangeResult::status)
        .containsExactly(200, 409, 200);
    assertThat(receipts.readValue().prevReceiptHash()).isEqualTo(first.receiptHash());
  }

  @Test
  void shouldNeverLetTimestampsGoBackwards() {
    send("t1", invoiceRequest("t1", invoiceArguments("1", "USD")), "demo_key", "k1");
    // A TopologyTestDriver clock cannot go back, so simulate a skewed head via a second processor
    // instance: the handler is given an earlier "now" than the head's ts.
    Receipt first = receipts.readValue();
    var slot =
        dev.signet.processor.chain.Chaining.next(
            "demo",
            new dev.signet.processor.chain.ChainHead("demo", 1, first.receiptHash(), first.ts()),
            null,
            START.minusSeconds(60));
    assertThat(slot)
        .isInstanceOfSatisfying(
            dev.signet.processor.chain.Chaining.Next.class,
            next -> assertThat(next.ts()).isEqualTo(Instant.parse(first.ts())));
  }

  @Test
  void shouldIssueTheSameDocumentForRepairableArgumentsAndCountTheRepair() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    start(
        new ExchangeTopology(
            new ExchangeTopology.Settings(
                ApiKeys.parse(API_KEYS),
                key,
                SECRET,
                new Admission.Limits(262_144, 16),
                Duration.ofHours(24),
                1),
            meters));
    send("t1", invoiceRequest("t1", invoiceArguments("12.50", "EUR")), "demo_key", "k1");
    String broken =
        "```json\n{invoice_id:'INV-1', amount:12.50, currency:'EUR', // note\n"
            + "customer_name:'ACME GmbH', description:'Consulting',}\n```";
    send("t2", invoiceRequest("t2", broken), "demo_key", "k2");
    send("t3", invoiceRequest("t3", "{'invoice_id':"), "demo_key", "k3");

    List<ExchangeResult> replies = results.readValuesToList();
    assertThat(replies)
        .extracting(ExchangeResult::code)
        .containsExactly(null, null, "REPAIR_FAILED");
    assertThat(replies.get(1).body().tree().get("normalized"))
        .isEqualTo(replies.get(0).body().tree().get("normalized"));
    // The same document, so the same content id: the receipt cannot tell a repaired call apart.
    List<Receipt> issued = receipts.readValuesToList();
    assertThat(issued).hasSize(2);
    assertThat(issued.get(1).cid()).isEqualTo(issued.get(0).cid());
    assertThat(meters.get("signet_repair_attempts").tag("step", "tolerant_parse").counter().count())
        .isEqualTo(2.0);
    assertThat(meters.get("signet_repair_success").tag("step", "tolerant_parse").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void shouldStampEveryResultWithTheProcessorsResultMac() {
    send("t1", invoiceRequest("t1", invoiceArguments("5", "USD")), "demo_key", "k1");
    send("t2", invoiceRequest("t2", "{broken"), "demo_key", "k2");
    send("t3", "not json".getBytes(StandardCharsets.UTF_8), "demo_key", "k3");

    List<TestRecord<String, ExchangeResult>> written = results.readRecordsToList();
    assertThat(written).hasSize(3);
    for (TestRecord<String, ExchangeResult> result : written) {
      byte[] bytes = Json.toBytes(result.value());
      assertThat(ResultMac.of(SECRET).verify(result.headers(), bytes))
          .as("result of %s", result.key())
          .isTrue();
    }
  }

  @Test
  void shouldTurnBadInputIntoRejectionsNotCrashes() {
    send("t1", "not json".getBytes(StandardCharsets.UTF_8), "demo_key", "k1");
    send("t2", invoiceRequest("t2", "{\"invoice_id\":\"INV-1\"}"), "demo_key", "k2");
    send("t3", invoiceRequest("t3", "{broken"), "demo_key", "k3");
    ObjectNode unsupported = invoiceRequest("t4", invoiceArguments("1", "USD"));
    unsupported.put("target_type", "edi.x12.v1");
    send("t4", unsupported, "demo_key", "k4");
    send("other", invoiceRequest("t5", invoiceArguments("1", "USD")), "demo_key", "k5");
    send(null, invoiceRequest(null, invoiceArguments("1", "USD")), "demo_key", null);

    assertThat(results.readValuesToList())
        .extracting(ExchangeResult::code)
        .containsExactly(
            "MALFORMED_REQUEST",
            "REPAIR_FAILED",
            "REPAIR_FAILED",
            "UNSUPPORTED_MAPPING",
            "TRACE_KEY_MISMATCH",
            "TRACE_ID_MISSING");
    assertThat(receipts.isEmpty()).isTrue();
    // Only the record that is not JSON at all is poison, kept with its original bytes.
    assertThat(dlq.readValuesToList())
        .extracting(v -> new String(v, StandardCharsets.UTF_8))
        .containsExactly("not json");

    send("t9", invoiceRequest("t9", invoiceArguments("5", "USD")), "demo_key", "k9");
    assertThat(results.readValue().status()).isEqualTo(200);
  }

  @Test
  void shouldRejectTextWithoutACanonicalFormInsteadOfParkingIt() {
    String loneSurrogate =
        "{\"invoice_id\":\"INV-1\",\"amount\":1,\"currency\":\"EUR\",\"customer_name\":\"\\ud800\"}";
    send("t1", invoiceRequest("t1", loneSurrogate), "demo_key", null);
    ObjectNode hugeNumber = invoiceRequest("t2", invoiceArguments("1", "EUR"));
    hugeNumber.put("extra", new java.math.BigDecimal("1e400"));
    send("t2", hugeNumber, "demo_key", "k2");

    assertThat(results.readValuesToList())
        .extracting(ExchangeResult::code)
        .containsExactly("SCHEMA_INVALID", "NUMBER_OUT_OF_RANGE");
    assertThat(receipts.isEmpty()).isTrue();
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldNormaliseStringsToNfcBeforeHashing() {
    String decomposed = "Cafe\u0301";
    String args =
        "{\"invoice_id\":\"INV-1\",\"amount\":1,\"currency\":\"EUR\",\"customer_name\":\""
            + decomposed
            + "\"}";
    send("t1", invoiceRequest("t1", args), "demo_key", "k1");
    assertThat(receipts.readValue().canon()).contains("Caf\u00e9").doesNotContain(decomposed);
  }

  @Test
  void shouldNameEveryNode() {
    String description = topology(key, Duration.ofHours(1), 4).build().describe().toString();
    assertThat(description)
        .contains(
            "requests-source",
            "exchange-processor",
            "results-sink",
            "receipts-sink",
            "dlq-sink",
            "reroute-to-trace-partition",
            "chain-heads",
            "idempotency-keys",
            "idempotency-expiry-index")
        .doesNotContain("KSTREAM-");
  }

  @Test
  void shouldMatchTheTopologySnapshot() throws java.io.IOException {
    String actual = normalise(topology(key, Duration.ofHours(1), 4).build().describe().toString());
    if (Boolean.getBoolean("signet.snapshot.update")) {
      // -Dsignet.snapshot.update=true rewrites the snapshot, for a change made on purpose.
      java.nio.file.Files.writeString(
          java.nio.file.Path.of("src/test/resources/dev/signet/processor/exchange-topology.txt"),
          actual);
    }

    String expected;
    try (java.io.InputStream in =
        ExchangeTopologyTest.class.getResourceAsStream("exchange-topology.txt")) {
      assertThat(in).as("snapshot resource exchange-topology.txt").isNotNull();
      expected = normalise(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    // A change here renames or reshapes state stores or internal topics, which breaks a running
    // deployment: update the snapshot only on purpose, with a migration plan.
    assertThat(actual)
        .as(
            "topology changed; if on purpose, update exchange-topology.txt (-Dsignet.snapshot.update=true) to:%n%s",
            actual)
        .isEqualTo(expected);
  }

  private static String normalise(String description) {
    return description
        .lines()
        .map(String::stripTrailing)
        .filter(line -> !line.isEmpty())
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  static ObjectNode passthroughRequest(String traceId, JsonNode extra) {
    ObjectNode request = Json.MAPPER.createObjectNode();
    request.put("payload_type", "invoice.iso20022.v1");
    request.put("target_type", "invoice.iso20022.v1");
    request.put("trace_id", traceId);
    ObjectNode invoice = request.putObject("payload").putObject("Document").putObject("Invoice");
    invoice.put("Id", "INV-9").put("TotalMinor", 100).put("Currency", "EUR");
    invoice.putObject("Party").put("Name", "ACME");
    invoice.set("Extra", extra);
    return request;
  }

  private static JsonNode nested(int levels) {
    JsonNode node = Json.MAPPER.createArrayNode();
    for (int i = 1; i < levels; i++) {
      node = Json.MAPPER.createArrayNode().add(node);
    }
    return node;
  }

  @Test
  void shouldAttachTheOriginMacOverTheExactReceiptBytes() {
    send("t1", invoiceRequest("t1", invoiceArguments("1", "USD")), "demo_key", "k1");

    TestOutputTopic<String, byte[]> raw =
        driver.createOutputTopic(
            Topics.RECEIPTS.name(),
            new org.apache.kafka.common.serialization.StringDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    TestRecord<String, byte[]> record = raw.readRecord();
    String mac =
        new String(
            record.headers().lastHeader(SignetHeaders.RECEIPT_MAC).value(), StandardCharsets.UTF_8);
    assertThat(new ReceiptMac(SECRET).verify(record.value(), mac)).isTrue();
    assertThat(Json.read(record.value(), Receipt.class).hop()).isEqualTo(1);
  }

  @Test
  void shouldEmbedInTheResultTheVeryBytesWrittenToTheReceiptsTopic() {
    send("t1", invoiceRequest("t1", invoiceArguments("1", "USD")), "demo_key", "k1");

    byte[] receipt =
        driver
            .createOutputTopic(
                Topics.RECEIPTS.name(),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())
            .readValue();
    byte[] result =
        driver
            .createOutputTopic(
                Topics.EXCHANGE_REPLIES.name(),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())
            .readValue();
    assertThat(new String(result, StandardCharsets.UTF_8))
        .contains("\"receipt\":" + new String(receipt, StandardCharsets.UTF_8) + "}");
    assertThat(receipt).isEqualTo(Json.toBytes(Json.read(receipt, Receipt.class)));
  }

  @Test
  void shouldDeriveTheTraceOfAKeylessRecordFromItsIdempotencyKeyAsIngressDoes() {
    ObjectNode body = invoiceRequest(null, invoiceArguments("1", "USD"));
    send(null, body, "demo_key", "order-7");
    send(null, body, "demo_key", "order-7");

    List<ExchangeResult> replies = results.readValuesToList();
    String derived = new TraceIds(SECRET).derive("demo", "order-7");
    assertThat(replies).extracting(ExchangeResult::traceId).containsExactly(derived, derived);
    assertThat(replies).extracting(ExchangeResult::idempotencyHit).containsExactly(false, true);
    assertThat(receipts.readValuesToList()).extracting(Receipt::traceId).containsExactly(derived);
  }

  @Test
  void shouldRefuseInvalidTraceIdsAndIdempotencyKeysWithTheCodesIngressUses() {
    send(null, invoiceRequest("bad\u0000trace", invoiceArguments("1", "USD")), "demo_key", "k1");
    send("x".repeat(129), invoiceRequest(null, invoiceArguments("1", "USD")), "demo_key", "k2");
    send("t3", invoiceRequest("t3", invoiceArguments("1", "USD")), "demo_key", "has space");

    assertThat(results.readValuesToList())
        .extracting(ExchangeResult::code)
        .containsExactly("TRACE_ID_INVALID", "TRACE_ID_INVALID", "IDEMPOTENCY_KEY_INVALID");
    assertThat(receipts.isEmpty()).isTrue();
  }

  @Test
  void shouldParkARecordWithHugeHeadersWithItsBytesAndReasonButNeverItsApiKey() {
    RecordHeaders headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.API_KEY, "demo_key");
    headers.add("x-junk", new byte[RequestIntake.MAX_HEADER_BYTES + 1]);
    byte[] body = Json.toBytes(invoiceRequest("t1", invoiceArguments("1", "USD")));
    requests.pipeInput(new TestRecord<>("t1", body, headers, START));

    assertThat(results.readValue().code()).isEqualTo("MALFORMED_REQUEST");
    TestRecord<String, byte[]> parked = dlq.readRecord();
    assertThat(parked.value()).isEqualTo(body);
    assertThat(parked.headers().lastHeader(SignetHeaders.API_KEY)).isNull();
    assertThat(
            new String(
                parked.headers().lastHeader(SignetHeaders.ERROR_CODE).value(),
                StandardCharsets.UTF_8))
        .isEqualTo("MALFORMED_REQUEST");
    assertThat(receipts.isEmpty()).isTrue();
  }

  @Test
  void shouldIssueOnceAndReplayADocumentNestedToTheDepthLimit() {
    // The envelope, payload, Document and Invoice take 4 of the 16 levels; Extra the other 12.
    ObjectNode deepest = passthroughRequest("t1", nested(12));
    send("t1", deepest, "demo_key", "deep");
    send("t1", deepest, "demo_key", "deep");

    assertThat(results.readValuesToList())
        .extracting(ExchangeResult::status, ExchangeResult::idempotencyHit)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(200, false),
            org.assertj.core.groups.Tuple.tuple(200, true));
    assertThat(receipts.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldGiveTheSameRefusalToEveryRetryOfADocumentNestedTooDeep() {
    ObjectNode tooDeep = passthroughRequest("t1", nested(13));
    send("t1", tooDeep, "demo_key", "deep");
    send("t1", tooDeep, "demo_key", "deep");

    assertThat(results.readValuesToList())
        .extracting(ExchangeResult::code)
        .containsExactly("PAYLOAD_TOO_LARGE", "PAYLOAD_TOO_LARGE");
    assertThat(receipts.isEmpty()).isTrue();
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldRefuseAResultTooLargeForOneRecordWithoutMovingTheChain() {
    start(
        new ExchangeTopology(
            new ExchangeTopology.Settings(
                ApiKeys.parse(API_KEYS),
                key,
                SECRET,
                new Admission.Limits(1_000_000, 16),
                Duration.ofHours(1),
                1),
            new SimpleMeterRegistry()));
    // Quotes take 2 bytes each in JSON, and the canonical text is escaped again inside the receipt
    // (4 bytes): 200,000 of them make a result over the record limit from a 400 kB request.
    // (Control characters would be smaller, but the sanitiser removes them before hashing.)
    send(
        "t1",
        passthroughRequest("t1", Json.MAPPER.getNodeFactory().textNode("\"".repeat(200_000))),
        "demo_key",
        "big");
    send(
        "t1",
        passthroughRequest("t1", Json.MAPPER.getNodeFactory().textNode("small")),
        "demo_key",
        "small");

    List<ExchangeResult> replies = results.readValuesToList();
    assertThat(replies).extracting(ExchangeResult::code).containsExactly("PAYLOAD_TOO_LARGE", null);
    assertThat(receipts.readValuesToList()).extracting(Receipt::hop).containsExactly(1);
  }

  @Test
  void shouldSendARecordOffItsTracesPartitionHomeAndNeverProcessItWhereItLanded() {
    start(4);
    // The driver delivers every record on partition 0, including one re-routed elsewhere, which
    // therefore arrives off home a second time: that must be refused, not processed nor looped.
    String home = traceWithHome(4, 0);
    String away = traceWithHome(4, 2);
    send(home, invoiceRequest(home, invoiceArguments("1", "USD")), "demo_key", "k1");
    send(away, invoiceRequest(away, invoiceArguments("1", "USD")), "demo_key", "k2");

    List<TestRecord<String, ExchangeResult>> replies = results.readRecordsToList();
    assertThat(replies)
        .extracting(r -> r.value().traceId(), r -> r.value().status())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(home, 200),
            org.assertj.core.groups.Tuple.tuple(away, 503));
    assertThat(receipts.readValuesToList()).extracting(Receipt::traceId).containsExactly(home);
  }

  private static String traceWithHome(int partitions, int partition) {
    for (int i = 0; ; i++) {
      if (dev.signet.core.trace.TracePartitioner.partition("trace-" + i, partitions) == partition) {
        return "trace-" + i;
      }
    }
  }
}
