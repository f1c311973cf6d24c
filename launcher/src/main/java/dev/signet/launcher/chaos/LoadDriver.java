package dev.signet.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.topic.Topics;
import dev.signet.core.trace.TracePartitioner;
import dev.signet.launcher.chaos.Observations.Answer;
import dev.signet.launcher.chaos.Observations.Request;
import dev.signet.launcher.chaos.Workload.Exchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends a chaos run's exchanges as a client that wants its answer would: over HTTP, retrying with
 * the same idempotency key until it gets a 200 (connection refused, 5xx, 429 and 409 are retried; a
 * run gives up on one exchange after {@link #GIVE_UP}); over Kafka, producing with {@code acks=all}
 * until the broker acknowledges. Records what was sent, confirmed and answered.
 */
final class LoadDriver implements AutoCloseable {

  static final Duration GIVE_UP = Duration.ofMinutes(5);

  private final URI exchangeUri;
  private final Workload workload;
  private final ProgressGate gate;
  private final int concurrency;
  private final String forwardUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final KafkaProducer<String, byte[]> producer;
  private final AtomicInteger next = new AtomicInteger();
  private final long startedNanos = System.nanoTime();

  final Map<String, Request> requests = new ConcurrentHashMap<>();
  final Queue<Answer> syncAnswers = new ConcurrentLinkedQueue<>();

  /** Idempotency keys of the async exchanges (answered on the results topic, without a caller). */
  final Set<String> asyncKeys = ConcurrentHashMap.newKeySet();

  final Set<String> poison = ConcurrentHashMap.newKeySet();

  /** Idempotency keys of the exchanges that asked for a forward (probes included). */
  final Set<String> forwardKeys = ConcurrentHashMap.newKeySet();

  /** Confirmed exchanges per second since the start, for throughput during faults. */
  final Map<Long, LongAdder> confirmedPerSecond = new ConcurrentHashMap<>();

  private final LongAdder confirmed = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder gaveUp = new LongAdder();
  private final AtomicLong probes = new AtomicLong();

  LoadDriver(
      URI exchangeUri,
      String kafkaBootstrap,
      Workload workload,
      ProgressGate gate,
      int concurrency,
      String forwardUrl) {
    this.exchangeUri = exchangeUri;
    this.forwardUrl = forwardUrl;
    this.workload = workload;
    this.gate = gate;
    this.concurrency = concurrency;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafkaBootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                30_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                30_000),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /** How many exchanges have been started (the moment faults are planned against). */
  int started() {
    return next.get();
  }

  /**
   * Sends exchanges 0..n-1 from {@code concurrency} threads, each a client waiting for its answer,
   * and returns when all are done.
   */
  void run(int exchanges) throws InterruptedException {
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      Thread worker =
          new Thread(
              () -> {
                for (int i = next.getAndIncrement(); i < exchanges; i = next.getAndIncrement()) {
                  gate.awaitPermit(i);
                  send(workload.exchange(i));
                }
              },
              "chaos-load-" + w);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join();
    }
  }

  private void send(Exchange exchange) {
    String forward = exchange.forward() ? forwardUrl : null;
    if (forward != null) {
      forwardKeys.add(exchange.idempotencyKey());
    }
    String body = invoice(exchange.trace(), exchange.idempotencyKey(), exchange.index(), forward);
    if (exchange.sync()) {
      Optional<Answer> answer = post(exchange.apiKey(), exchange.idempotencyKey(), body);
      record(exchange, true, answer.isPresent());
      answer.ifPresent(syncAnswers::add);
      if (exchange.duplicate() && answer.isPresent()) {
        post(exchange.apiKey(), exchange.idempotencyKey(), body).ifPresent(syncAnswers::add);
      }
    } else {
      boolean acked = produce(exchange, body.getBytes(StandardCharsets.UTF_8));
      record(exchange, false, acked);
      if (exchange.duplicate() && acked) {
        produce(exchange, body.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (exchange.poison()) {
      producePoison(exchange);
    }
  }

  /** A sync exchange on a trace of its own, answered 200: how the run sees that it recovered. */
  Answer probe() {
    return probe(false).answer();
  }

  /** A probe's answer and, for a forwarding probe, the status its forward got (0: none). */
  record Probe(Answer answer, int forwardStatus) {}

  /**
   * A probe; with {@code forward}, one whose document is forwarded to the run's forward target, so
   * its receipt says whether the target answered.
   */
  Probe probe(boolean forward) {
    long n = probes.incrementAndGet();
    String trace = "chaos-probe-" + n + "-" + System.nanoTime();
    String key = trace + "-x";
    String apiKey = ChaosCluster.API_KEYS.keySet().iterator().next();
    if (forward) {
      forwardKeys.add(key);
    }
    Optional<JsonNode> receipt =
        postForReceipt(apiKey, key, invoice(trace, key, (int) n, forward ? forwardUrl : null));
    requests.put(
        key, new Request(key, ChaosCluster.API_KEYS.get(apiKey), trace, true, receipt.isPresent()));
    Answer answer =
        receipt
            .map(r -> answer(key, r))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the probe exchange " + key + " got no 200 within " + GIVE_UP));
    syncAnswers.add(answer);
    return new Probe(answer, receipt.get().path("forwarded").path("status_code").asInt(0));
  }

  private void record(Exchange exchange, boolean sync, boolean confirmed) {
    requests.put(
        exchange.idempotencyKey(),
        new Request(
            exchange.idempotencyKey(), exchange.tenant(), exchange.trace(), sync, confirmed));
    if (confirmed) {
      this.confirmed.increment();
      long second = (System.nanoTime() - startedNanos) / 1_000_000_000L;
      confirmedPerSecond.computeIfAbsent(second, s -> new LongAdder()).increment();
    } else {
      gaveUp.increment();
    }
  }

  private Optional<Answer> post(String apiKey, String idempotencyKey, String body) {
    return postForReceipt(apiKey, idempotencyKey, body).map(r -> answer(idempotencyKey, r));
  }

  private static Answer answer(String idempotencyKey, JsonNode receipt) {
    return new Answer(
        idempotencyKey,
        receipt.get("trace_id").asText(),
        receipt.get("hop").asInt(),
        receipt.get("receipt_hash").asText());
  }

  /** The receipt of the 200 this exchange got, retrying as a client would. */
  private Optional<JsonNode> postForReceipt(String apiKey, String idempotencyKey, String body) {
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    Duration backoff = Duration.ofMillis(100);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(exchangeUri)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("X-SIGNET-API-Key", apiKey)
                    .header("X-SIGNET-Idempotency-Key", idempotencyKey)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return Optional.of(Json.parse(response.body()).get("receipt"));
        }
        if (!retryable(response.statusCode())) {
          System.out.printf(
              "chaos: %s refused with %d: %s%n",
              idempotencyKey, response.statusCode(), response.body());
          return Optional.empty();
        }
      } catch (IOException e) {
        // ingress down or restarting: retry as a client would
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
      retries.increment();
      ChaosCluster.sleep(backoff);
      backoff =
          backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0
              ? Duration.ofSeconds(2)
              : backoff.multipliedBy(2);
    }
    return Optional.empty();
  }

  static boolean retryable(int status) {
    return status >= 500 || status == 429 || status == 409 || status == 408;
  }

  /**
   * A fire-and-forget producer's record: no correlation id, so its result goes to the results topic
   * (keyed by trace) rather than to a waiting ingress; the invoice id names the exchange.
   */
  private boolean produce(Exchange exchange, byte[] body) {
    ProducerRecord<String, byte[]> record = record(exchange.trace(), body);
    SignetHeaders.put(record.headers(), SignetHeaders.API_KEY, exchange.apiKey());
    SignetHeaders.put(record.headers(), SignetHeaders.IDEMPOTENCY_KEY, exchange.idempotencyKey());
    asyncKeys.add(exchange.idempotencyKey());
    return sendUntilAcked(record);
  }

  /**
   * Half not UTF-8 at all, half UTF-8 text that is not JSON; named by its idempotency key header,
   * which the dead letter keeps.
   */
  private void producePoison(Exchange exchange) {
    String poisonKey = "poison-" + exchange.idempotencyKey();
    byte[] value =
        exchange.index() % 2 == 0
            ? new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, '{'}
            : "{\"payload_type\": not json".getBytes(StandardCharsets.UTF_8);
    ProducerRecord<String, byte[]> record = record(exchange.trace(), value);
    SignetHeaders.put(record.headers(), SignetHeaders.API_KEY, exchange.apiKey());
    SignetHeaders.put(record.headers(), SignetHeaders.IDEMPOTENCY_KEY, poisonKey);
    if (sendUntilAcked(record)) {
      poison.add(poisonKey);
    }
  }

  private static ProducerRecord<String, byte[]> record(String trace, byte[] value) {
    return new ProducerRecord<>(
        Topics.EXCHANGE_REQUESTS.name(),
        TracePartitioner.partition(trace, ChaosCluster.PARTITIONS),
        trace,
        value);
  }

  private boolean sendUntilAcked(ProducerRecord<String, byte[]> record) {
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        producer.send(record).get();
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (Exception e) {
        // broker restarting: the same record again (the processor's idempotency store dedups)
        retries.increment();
        ChaosCluster.sleep(Duration.ofMillis(500));
      }
    }
    return false;
  }

  /**
   * A valid invoice tool call whose invoice id is the exchange's idempotency key (so an async
   * result and a forwarded document name their exchange) and whose amount varies; with a {@code
   * forwardUrl} (else null) its document is forwarded there.
   */
  static String invoice(String trace, String idempotencyKey, int index, String forwardUrl) {
    String arguments =
        "{\"invoice_id\":\""
            + idempotencyKey
            + "\",\"amount\":"
            + (index % 10_000 + 1)
            + ".25,\"currency\":\"USD\",\"customer_name\":\"ACME\",\"description\":\"chaos\"}";
    return "{\"payload_type\":\"openai.tooluse.invoice.v1\",\"target_type\":\"invoice.iso20022.v1\",\"trace_id\":\""
        + trace
        + (forwardUrl == null ? "" : "\",\"forward_url\":\"" + forwardUrl)
        + "\",\"payload\":{\"tool_calls\":[{\"type\":\"function\",\"function\":{\"name\":\"create_invoice\",\"arguments\":"
        + Json.toText(arguments)
        + "}}]}}";
  }

  /** Exchanges confirmed so far (a 200, or the broker's acknowledgement). */
  long confirmed() {
    return confirmed.sum();
  }

  long elapsedSeconds() {
    return (System.nanoTime() - startedNanos) / 1_000_000_000L;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
