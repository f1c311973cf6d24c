package dev.signet.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schemas published in {@code docs/schemas/} for the topic payloads hold for what the code
 * really writes: requests as ingress publishes them, the processor's results (accepted and
 * rejected) and receipts read as raw bytes off its output topics, and the conformance vectors.
 */
class TopicSchemasTest {

  private static final Path SCHEMAS = Path.of("..", "docs", "schemas");
  private static final Path CONFORMANCE =
      Path.of("..", "core", "src", "test", "resources", "conformance", "seed-vectors");
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

  private final Schema request = schema("exchange-request.schema.json");
  private final Schema result = schema("exchange-result.schema.json");
  private final Schema receipt = schema("receipt.schema.json");

  private TopologyTestDriver driver;
  private int sent;
  private TestInputTopic<String, byte[]> requests;
  private List<TestOutputTopic<String, byte[]>> results;
  private TestOutputTopic<String, byte[]> receipts;

  @BeforeEach
  void start() {
    driver =
        TestDrivers.start(
            ExchangeTopologyTest.topology(SigningKey.generate("k1"), Duration.ofHours(24), 1),
            START);
    requests = TestDrivers.requests(driver);
    // One format on the three result topics: async results, replies and settled replies.
    results =
        List.of(
            TestDrivers.rawOutput(driver, Topics.EXCHANGE_RESULTS),
            TestDrivers.rawOutput(driver, Topics.EXCHANGE_REPLIES),
            TestDrivers.rawOutput(driver, Topics.EXCHANGE_REPLIES_SETTLED));
    receipts = TestDrivers.rawOutput(driver, Topics.RECEIPTS);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private static Schema schema(String file) {
    Schema schema = REGISTRY.getSchema(read(SCHEMAS.resolve(file)), InputFormat.JSON);
    schema.initializeValidators();
    return schema;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> violations(Schema schema, String json) {
    return schema.validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
  }

  /** Every second request waits for its answer (a reply), the others are async (a result). */
  private void send(String traceId, ObjectNode body, String idempotencyKey) {
    RecordHeaders headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.API_KEY, "demo_key");
    SignetHeaders.put(headers, SignetHeaders.IDEMPOTENCY_KEY, idempotencyKey);
    if (sent++ % 2 == 0) {
      SignetHeaders.put(headers, SignetHeaders.CORRELATION_ID, "corr-" + idempotencyKey);
    }
    requests.pipeInput(new TestRecord<>(traceId, Json.toBytes(body), headers, START));
  }

  private static ObjectNode invoice(String traceId, String amount) {
    return ExchangeTopologyTest.invoiceRequest(
        traceId, ExchangeTopologyTest.invoiceArguments(amount, "USD"));
  }

  @Test
  void shouldDescribeTheRequestRecordIngressPublishes() {
    ObjectNode body = invoice("t-1", "12.50");
    body.putNull("forward_url");

    assertThat(violations(request, Json.toText(body))).isEmpty();
    assertThat(violations(request, "{\"payload_type\":\"a\",\"payload\":{},\"trace_id\":\"a b\"}"))
        .as("no target_type, a trace id with a space")
        .hasSize(2);
  }

  @Test
  void shouldDescribeAcceptedResultsAndEveryReceiptOfAChain() {
    send("t-1", invoice("t-1", "12.50"), "k1");
    send("t-1", invoice("t-1", "3"), "k2");
    // A replay of k1: the stored answer, marked as a hit.
    send("t-1", invoice("t-1", "12.50"), "k1");

    List<String> resultValues = resultValues();
    List<String> receiptValues = text(receipts.readValuesToList());
    assertThat(resultValues).hasSize(3);
    assertThat(receiptValues).hasSize(2);
    for (String value : resultValues) {
      assertThat(violations(result, value)).as(value).isEmpty();
      assertThat(violations(receipt, Json.parse(value).at("/body/receipt").toString())).isEmpty();
    }
    assertThat(resultValues)
        .filteredOn(value -> Json.parse(value).get("idempotency_hit").asBoolean())
        .hasSize(1);
    for (String value : receiptValues) {
      assertThat(violations(receipt, value)).as(value).isEmpty();
    }
  }

  @Test
  void shouldDescribeRejectedResults() {
    send("t-1", invoice("t-1", "\"twelve\""), "k1");
    ObjectNode unknownType = invoice("t-2", "1");
    unknownType.put("target_type", "no.such.type");
    send("t-2", unknownType, "k2");
    send("t-3", invoice("t-1", "1"), "k3");

    List<String> values = resultValues();
    assertThat(values).hasSize(3);
    for (String value : values) {
      assertThat(Json.parse(value).get("status").asInt()).isGreaterThanOrEqualTo(400);
      assertThat(violations(result, value)).as(value).isEmpty();
    }
    assertThat(receipts.isEmpty()).isTrue();
  }

  @Test
  void shouldRefuseAReceiptThatBreaksTheFormat() {
    send("t-1", invoice("t-1", "1"), "k1");
    JsonNode issued = Json.parse(receipts.readValue());

    ObjectNode secondHopWithoutPrevious = issued.deepCopy();
    secondHopWithoutPrevious.put("hop", 2);
    ObjectNode unknownMember = issued.deepCopy();
    unknownMember.put("tenant_name", "x");
    ObjectNode badHash = issued.deepCopy();
    badHash.put("receipt_hash", "sha256:XYZ");

    assertThat(violations(receipt, secondHopWithoutPrevious.toString())).isNotEmpty();
    assertThat(violations(receipt, unknownMember.toString())).isNotEmpty();
    assertThat(violations(receipt, badHash.toString())).isNotEmpty();
  }

  /** The vectors were published without signatures: everything else about them must hold. */
  @Test
  void shouldDescribeTheConformanceVectorsButForTheirMissingSignature() throws IOException {
    List<JsonNode> vectors = new ArrayList<>();
    for (String dir : List.of("chains", "receipts")) {
      Path folder = CONFORMANCE.resolve(dir);
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> files = Files.list(folder)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
          JsonNode json = Json.parse(read(file));
          if (json.isArray()) {
            json.forEach(vectors::add);
          } else if (json.has("receipt")) {
            vectors.add(json.get("receipt"));
          } else if (json.has("trace_id")) {
            vectors.add(json);
          }
        }
      }
    }

    assertThat(vectors).isNotEmpty();
    for (JsonNode vector : vectors) {
      assertThat(violations(receipt, vector.toString()))
          .as(vector.toString())
          .singleElement()
          .asString()
          .contains("signature");
    }
  }

  private List<String> resultValues() {
    List<String> values = new ArrayList<>();
    results.forEach(topic -> values.addAll(text(topic.readValuesToList())));
    return values;
  }

  private static List<String> text(List<byte[]> values) {
    return values.stream().map(v -> new String(v, StandardCharsets.UTF_8)).toList();
  }
}
