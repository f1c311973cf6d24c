package dev.signet.processor.egress;

import static dev.signet.processor.egress.LoopbackServer.ipv4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.ForwardMacs;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.message.ForwardOutcome;
import dev.signet.core.message.ForwardRequest;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import dev.signet.processor.egress.LoopbackServer.Received;
import dev.signet.processor.stage.StageWorker;
import dev.signet.processor.stage.StageWorkerSettings;
import dev.signet.shell.ConsumerLoop;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The forward worker through a real KRaft broker (topics from {@link Topics#all()}): MAC-checked
 * requests, one resolution classified as a whole, the pinned TLS dial, per-host isolation and the
 * circuit breaker, and one MAC-stamped outcome per request.
 *
 * <p>How the TLS path is reached without leaving loopback: the stub resolver answers the public
 * address {@value #PUBLIC_TEXT} (global, so the policy allows and pins it, and the outcome records
 * it), and the worker's dial is the real {@link PinnedForwarder} behind {@link LoopbackRedirect}, a
 * test-only {@link Forwarder} that records the pinned target the worker handed over and then swaps
 * exactly that public address for 127.0.0.1 before the real forwarder connects. Host name, SNI,
 * certificate verification (a {@link TestPki} CA issued for the host) and headers are untouched.
 * Any other pinned address is recorded and refused, never dialled, so no test can connect to
 * anything but loopback. The development switch ({@code SP_HEL_ALLOW_HTTP_LOOPBACK}) is not used
 * here: it would skip TLS and the classification this class is about; the launcher's {@code
 * ForwardPipelineIT} covers it end to end.
 *
 * <p>The class shares one broker and one consumer group; every test uses its own request ids and
 * hosts, waits for every outcome it causes, and reads outcomes by id.
 */
class ForwardWorkerIT {

  private static final int PARTITIONS = 2;
  private static final String GROUP = "forward-worker-it";
  private static final ServerSecret SECRET =
      ServerSecret.parse("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
  private static final ServerSecret OTHER_SECRET =
      ServerSecret.parse("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=");
  private static final ForwardMacs MACS = ForwardMacs.of(SECRET);
  private static final String PUBLIC_TEXT = "93.184.216.34";
  private static final InetAddress PUBLIC = ipv4(93, 184, 216, 34);
  private static final InetAddress LOOPBACK = ipv4(127, 0, 0, 1);
  private static final String HOST = "hooks.partner.example";
  private static final String SLOW_HOST = "slow.partner.example";
  private static final TestPki CA = TestPki.newCa("Signet Forward IT CA");
  private static final Duration WAIT = Duration.ofSeconds(45);

  private static EmbeddedKafkaKraftBroker broker;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final List<ConsumerLoop> workers = new ArrayList<>();
  private final List<LoopbackServer> servers = new ArrayList<>();
  private final EgressSettings settings =
      new EgressSettings(
          List.of(),
          Set.of(443),
          false,
          Duration.ofSeconds(2),
          // The slow host answers after 10 s: that answer must arrive, not time out.
          Duration.ofSeconds(15),
          Duration.ofSeconds(20),
          1024 * 1024,
          8,
          4,
          8);
  private KafkaProducer<String, byte[]> producer;

  @BeforeAll
  static void startBroker() {
    broker =
        new EmbeddedKafkaKraftBroker(
            1, PARTITIONS, Topics.all().stream().map(Topic::name).toArray(String[]::new));
    broker.brokerProperties(
        Map.of(
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "transaction.state.log.num.partitions", "4",
            "offsets.topic.num.partitions", "4",
            "group.initial.rebalance.delay.ms", "0"));
    broker.afterPropertiesSet();
  }

  @AfterAll
  static void stopBroker() {
    broker.destroy();
  }

  @BeforeEach
  void producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  @AfterEach
  void stopAll() {
    workers.forEach(ConsumerLoop::close);
    servers.forEach(LoopbackServer::close);
    producer.close();
  }

  @Test
  void shouldForwardToThePinnedAddressWithTlsForTheHostAndRecordTheAnswer() throws Exception {
    byte[] answer = "{\"accepted\":true}".getBytes(StandardCharsets.UTF_8);
    LoopbackServer server =
        https(HOST).on("/hook", exchange -> LoopbackServer.respond(exchange, 201, answer));
    ScriptedResolver resolver = new ScriptedResolver().answer(HOST, PUBLIC);
    LoopbackRedirect dial = start(resolver, new SimpleMeterRegistry());
    ForwardRequest request = request("ok-1", "trace-ok", HOST, server.port(), "/hook?x=1");

    send(request, Mac.VALID);
    ConsumerRecord<String, byte[]> record = awaitOutcomes(Set.of("ok-1")).get("ok-1");

    assertThat(MACS.outcome().verify(record.headers(), record.value())).isTrue();
    assertThat(record.key()).isEqualTo("trace-ok");
    ForwardOutcome outcome = decode(record);
    assertThat(outcome.status()).isEqualTo(ForwardOutcome.Status.FORWARDED);
    assertThat(outcome.statusCode()).isEqualTo(201);
    assertThat(outcome.responseSize()).isEqualTo(answer.length);
    assertThat(outcome.responseCid()).isEqualTo(Hashes.sha256(answer));
    assertThat(outcome.error()).isNull();
    assertThat(outcome.pinnedIp()).isEqualTo(PUBLIC_TEXT);
    assertThat(outcome.host()).isEqualTo(HOST);
    assertThat(outcome.url()).isEqualTo(request.url());

    Received seen = server.received().get(0);
    assertThat(server.received()).hasSize(1);
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.pathAndQuery()).isEqualTo("/hook?x=1");
    assertThat(seen.body()).isEqualTo(request.canon().getBytes(StandardCharsets.UTF_8));
    assertThat(seen.headers().getFirst("X-Signet-Cid"))
        .isEqualTo(Hashes.sha256(seen.body()))
        .isEqualTo(request.cid());
    assertThat(seen.headers().getFirst("X-Signet-Trace")).isEqualTo("trace-ok");
    assertThat(seen.headers().getFirst("X-Signet-Exchange-Id")).isEqualTo(request.exchangeId());
    assertThat(seen.headers().getFirst("Host")).isEqualTo(HOST + ":" + server.port());
    assertThat(resolver.lookups()).containsExactly(HOST);
    assertThat(dial.pinnedAsked()).containsExactly(PUBLIC);
  }

  @Test
  void shouldNeverResolveOrDialForAForgedRequest() throws Exception {
    LoopbackServer server =
        https(HOST).on("/", exchange -> LoopbackServer.respond(exchange, 200, new byte[0]));
    ScriptedResolver resolver =
        new ScriptedResolver()
            .answer(HOST, PUBLIC)
            .answer("unsigned.partner.example", PUBLIC)
            .answer("forged.partner.example", PUBLIC);
    MeterRegistry meters = new SimpleMeterRegistry();
    LoopbackRedirect dial = start(resolver, meters);

    send(
        request("unsigned", "trace-mac", "unsigned.partner.example", server.port(), "/"), Mac.NONE);
    send(
        request("forged", "trace-mac", "forged.partner.example", server.port(), "/"),
        Mac.OTHER_SECRET);
    ForwardRequest genuine = request("genuine", "trace-mac", HOST, server.port(), "/");
    send(genuine, Mac.VALID);
    awaitOutcomes(Set.of("genuine"));

    assertThat(resolver.lookups()).containsExactly(HOST);
    assertThat(dial.pinnedAsked()).hasSize(1);
    assertThat(server.received())
        .extracting(r -> r.headers().getFirst("X-Signet-Exchange-Id"))
        .containsExactly(genuine.exchangeId());
    assertThat(readAllOutcomes())
        .extracting(ForwardOutcome::forwardId)
        .doesNotContain("unsigned", "forged");
    assertThat(
            meters
                .get("signet_forward_requests_refused")
                .tag("reason", "missing_mac")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("signet_forward_requests_refused")
                .tag("reason", "bad_mac")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void shouldSendTheSameExchangeIdWhenARequestIsForwardedAgainAfterTheWorkerDied()
      throws Exception {
    CountDownLatch firstHeld = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    LoopbackServer server =
        https(HOST)
            .on(
                "/hook",
                exchange -> {
                  if (calls.incrementAndGet() == 1) {
                    // The first delivery never gets its answer to the worker: it dies meanwhile.
                    hold(firstHeld);
                  }
                  LoopbackServer.respond(exchange, 200, new byte[0]);
                });
    ScriptedResolver resolver = new ScriptedResolver().answer(HOST, PUBLIC);
    start(resolver, new SimpleMeterRegistry());
    ForwardRequest request = request("again-1", "trace-again", HOST, server.port(), "/hook");

    send(request, Mac.VALID);
    await().atMost(WAIT).until(() -> server.received().size() == 1);
    workers.remove(0).close();
    firstHeld.countDown();
    assertThat(readAllOutcomes()).extracting(ForwardOutcome::forwardId).doesNotContain("again-1");

    start(resolver, new SimpleMeterRegistry());
    ForwardOutcome outcome = decode(awaitOutcomes(Set.of("again-1")).get("again-1"));

    assertThat(outcome.status()).isEqualTo(ForwardOutcome.Status.FORWARDED);
    assertThat(server.received())
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.headers().getFirst("X-Signet-Exchange-Id"))
                  .isEqualTo(request.exchangeId());
              assertThat(r.headers().getFirst("X-Signet-Cid")).isEqualTo(request.cid());
            });
    assertThat(readAllOutcomes())
        .filteredOn(o -> o.forwardId().equals("again-1"))
        .as("one outcome recorded")
        .hasSize(1);
  }

  @Test
  void shouldDenyAWholeAnswerSetHoldingAnyNonGlobalAddressWithoutDialling() throws Exception {
    LoopbackServer server =
        https(HOST).on("/", exchange -> LoopbackServer.respond(exchange, 200, new byte[0]));
    ScriptedResolver resolver =
        new ScriptedResolver()
            .answer("private.partner.example", PUBLIC, ipv4(10, 1, 2, 3))
            .answer("loopback.partner.example", PUBLIC, LOOPBACK)
            .answer("metadata.partner.example", ipv4(169, 254, 169, 254));
    MeterRegistry meters = new SimpleMeterRegistry();
    LoopbackRedirect dial = start(resolver, meters);
    Map<String, String> expected =
        Map.of(
            "private", "HEL_RESOLVED_PRIVATE",
            "loopback", "HEL_RESOLVED_LOOPBACK",
            "metadata", "HEL_RESOLVED_LINKLOCAL");

    for (String name : expected.keySet()) {
      send(
          request("deny-" + name, "trace-" + name, name + ".partner.example", server.port(), "/"),
          Mac.VALID);
    }
    Map<String, ConsumerRecord<String, byte[]>> outcomes =
        awaitOutcomes(Set.of("deny-private", "deny-loopback", "deny-metadata"));

    expected.forEach(
        (name, code) -> {
          ForwardOutcome outcome = decode(outcomes.get("deny-" + name));
          assertThat(outcome.status()).as(name).isEqualTo(ForwardOutcome.Status.DENIED);
          assertThat(outcome.code()).as(name).isEqualTo(code);
          assertThat(outcome.pinnedIp()).as(name).isNull();
          assertThat(outcome.statusCode()).as(name).isNull();
          assertThat(meters.get("signet_denied").tag("reason", code).counter().count())
              .as(name)
              .isEqualTo(1);
        });
    assertThat(dial.pinnedAsked()).as("the dial was never asked").isEmpty();
    assertThat(server.received()).isEmpty();
  }

  @Test
  void shouldNeverDialLoopbackWhenTheNameRebindsAfterTheCheck() throws Exception {
    LoopbackServer server =
        https(HOST).on("/", exchange -> LoopbackServer.respond(exchange, 200, new byte[0]));
    // Public first, loopback on every later lookup: a second lookup at dial time would win.
    ScriptedResolver resolver = new ScriptedResolver().answer(HOST, PUBLIC).answer(HOST, LOOPBACK);
    LoopbackRedirect dial = start(resolver, new SimpleMeterRegistry());

    send(request("rebind-1", "trace-rebind", HOST, server.port(), "/"), Mac.VALID);
    ForwardOutcome first = decode(awaitOutcomes(Set.of("rebind-1")).get("rebind-1"));
    send(request("rebind-2", "trace-rebind", HOST, server.port(), "/"), Mac.VALID);
    ForwardOutcome second = decode(awaitOutcomes(Set.of("rebind-2")).get("rebind-2"));

    assertThat(first.status()).isEqualTo(ForwardOutcome.Status.FORWARDED);
    assertThat(first.pinnedIp()).isEqualTo(PUBLIC_TEXT);
    assertThat(second.status()).isEqualTo(ForwardOutcome.Status.DENIED);
    assertThat(second.code()).isEqualTo("HEL_RESOLVED_LOOPBACK");
    assertThat(resolver.lookups()).as("one lookup per forward").containsExactly(HOST, HOST);
    assertThat(dial.pinnedAsked()).containsExactly(PUBLIC);
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void shouldNotDelayAnotherHostsForwardsBehindATenSecondAnswer() throws Exception {
    LoopbackServer slow =
        https(SLOW_HOST)
            .on(
                "/",
                exchange -> {
                  sleep(Duration.ofSeconds(10));
                  LoopbackServer.respond(exchange, 200, new byte[0]);
                });
    LoopbackServer fast =
        https(HOST).on("/", exchange -> LoopbackServer.respond(exchange, 200, new byte[0]));
    ScriptedResolver resolver =
        new ScriptedResolver().answer(HOST, PUBLIC).answer(SLOW_HOST, PUBLIC);
    start(resolver, new SimpleMeterRegistry());

    // Every request on one partition: the worker's pool, not partition parallelism, keeps them
    // apart.
    long slowSent = System.nanoTime();
    send(0, request("slow", "trace-slow", SLOW_HOST, slow.port(), "/"), Mac.VALID);
    await().atMost(WAIT).until(() -> slow.received().size() == 1);
    List<Duration> fastLatencies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long sent = System.nanoTime();
      send(0, request("fast-" + i, "trace-fast-" + i, HOST, fast.port(), "/"), Mac.VALID);
      ForwardOutcome outcome = decode(awaitOutcomes(Set.of("fast-" + i)).get("fast-" + i));
      fastLatencies.add(Duration.ofNanos(System.nanoTime() - sent));
      assertThat(outcome.statusCode()).isEqualTo(200);
    }
    ForwardOutcome slowOutcome = decode(awaitOutcomes(Set.of("slow")).get("slow"));
    Duration slowLatency = Duration.ofNanos(System.nanoTime() - slowSent);

    System.out.printf(
        "ForwardWorkerIT: while %s held a forward for 10 s, three forwards to %s were recorded in"
            + " %s ms (request written to outcome read); the slow one in %d ms%n",
        SLOW_HOST,
        HOST,
        fastLatencies.stream().map(d -> Long.toString(d.toMillis())).toList(),
        slowLatency.toMillis());
    assertThat(fastLatencies).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(3)));
    assertThat(slowOutcome.status()).isEqualTo(ForwardOutcome.Status.FORWARDED);
    assertThat(slowOutcome.statusCode()).isEqualTo(200);
    assertThat(slowOutcome.durationMs()).isGreaterThanOrEqualTo(10_000);
  }

  @Test
  void shouldRecordAServerErrorAsForwardedWithItsStatus() throws Exception {
    byte[] oops = "oops".getBytes(StandardCharsets.UTF_8);
    LoopbackServer server =
        https(HOST).on("/", exchange -> LoopbackServer.respond(exchange, 500, oops));
    MeterRegistry meters = new SimpleMeterRegistry();
    start(new ScriptedResolver().answer(HOST, PUBLIC), meters);

    send(request("status-500", "trace-500", HOST, server.port(), "/"), Mac.VALID);
    ForwardOutcome outcome = decode(awaitOutcomes(Set.of("status-500")).get("status-500"));

    assertThat(outcome.status()).isEqualTo(ForwardOutcome.Status.FORWARDED);
    assertThat(outcome.statusCode()).isEqualTo(500);
    assertThat(outcome.responseSize()).isEqualTo(oops.length);
    assertThat(outcome.responseCid()).isEqualTo(Hashes.sha256(oops));
    assertThat(outcome.error()).isNull();
    assertThat(
            meters.get("signet_forward").tag("host", HOST).tag("outcome", "5xx").counter().count())
        .isEqualTo(1);
  }

  @Test
  void shouldRecordAFailedConnectForADeadPort() throws Exception {
    int deadPort = deadPort();
    start(new ScriptedResolver().answer(HOST, PUBLIC), new SimpleMeterRegistry());

    send(request("dead-port", "trace-dead", HOST, deadPort, "/"), Mac.VALID);
    ForwardOutcome outcome = decode(awaitOutcomes(Set.of("dead-port")).get("dead-port"));

    assertThat(outcome.status()).isEqualTo(ForwardOutcome.Status.FAILED);
    assertThat(outcome.error()).startsWith(ForwardResult.CONNECT);
    assertThat(outcome.statusCode()).isNull();
    assertThat(outcome.pinnedIp()).isEqualTo(PUBLIC_TEXT);
  }

  @Test
  void shouldOpenTheCircuitAfterFiveConsecutiveFailures() throws Exception {
    LoopbackServer failing =
        https(HOST).on("/", exchange -> LoopbackServer.respond(exchange, 503, new byte[0]));
    start(new ScriptedResolver().answer(HOST, PUBLIC), new SimpleMeterRegistry());

    // One at a time, so each failure is counted before the next forward asks the breaker.
    for (int i = 0; i < ForwardWorker.FAILURES_TO_OPEN; i++) {
      send(request("breaker-" + i, "trace-breaker", HOST, failing.port(), "/"), Mac.VALID);
      ForwardOutcome outcome = decode(awaitOutcomes(Set.of("breaker-" + i)).get("breaker-" + i));
      assertThat(outcome.statusCode()).isEqualTo(503);
    }
    send(request("breaker-open", "trace-breaker", HOST, failing.port(), "/"), Mac.VALID);
    ForwardOutcome refused = decode(awaitOutcomes(Set.of("breaker-open")).get("breaker-open"));

    assertThat(refused.status()).isEqualTo(ForwardOutcome.Status.FAILED);
    assertThat(refused.error()).startsWith("FORWARD_CIRCUIT_OPEN");
    assertThat(failing.received()).hasSize(ForwardWorker.FAILURES_TO_OPEN);
  }

  // --- helpers ---

  private enum Mac {
    VALID,
    NONE,
    OTHER_SECRET
  }

  private LoopbackServer https(String host) {
    SSLContext tls = TestPki.serverContext(CA.issue(host));
    LoopbackServer server = LoopbackServer.https(tls);
    servers.add(server);
    return server;
  }

  /** Starts a worker whose dial is the real forwarder trusting the test CA, behind the redirect. */
  private LoopbackRedirect start(HostResolver resolver, MeterRegistry meters) {
    LoopbackRedirect dial =
        new LoopbackRedirect(
            new PinnedForwarder(ForwarderSettings.of(settings), CA.trustingThisCa()));
    ForwardWorker stage =
        new ForwardWorker(resolver, dial, MACS, settings, meters, Clock.systemUTC());
    ConsumerLoop loop =
        StageWorker.create(
            broker.getBrokersAsString(),
            KafkaClientProperties.none(),
            GROUP,
            "it-" + INSTANCES.incrementAndGet(),
            stage,
            new StageWorkerSettings(8, Duration.ofMillis(50), Duration.ofMillis(500), 10_000),
            meters);
    workers.add(loop);
    loop.start();
    return dial;
  }

  private static ForwardRequest request(
      String forwardId, String trace, String host, int port, String pathAndQuery) {
    String canon = "{\"amount\":\"12.50\",\"invoice_id\":\"" + forwardId + "\"}";
    return new ForwardRequest(
        forwardId,
        "exchange-" + forwardId,
        trace,
        "demo",
        "https://" + host + ":" + port + pathAndQuery,
        "https",
        host,
        false,
        port,
        pathAndQuery,
        false,
        Hashes.sha256(canon),
        canon,
        Instant.now().toString());
  }

  private void send(ForwardRequest request, Mac mac) throws Exception {
    send(null, request, mac);
  }

  private void send(Integer partition, ForwardRequest request, Mac mac) throws Exception {
    String topic = Topics.EXCHANGE_FORWARD_REQUESTS.name();
    byte[] value =
        Topics.EXCHANGE_FORWARD_REQUESTS.valueSerde().serializer().serialize(topic, request);
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, partition, request.traceId(), value);
    switch (mac) {
      case VALID -> MACS.request().stamp(record.headers(), value);
      case OTHER_SECRET -> ForwardMacs.of(OTHER_SECRET).request().stamp(record.headers(), value);
      case NONE -> {}
    }
    producer.send(record).get();
  }

  private static ForwardOutcome decode(ConsumerRecord<String, byte[]> record) {
    return Topics.EXCHANGE_FORWARD_OUTCOMES
        .valueSerde()
        .deserializer()
        .deserialize(record.topic(), record.value());
  }

  /** Waits until every id has a committed outcome; the outcome records by forward id. */
  private static Map<String, ConsumerRecord<String, byte[]>> awaitOutcomes(Set<String> ids) {
    Map<String, ConsumerRecord<String, byte[]>> seen = new HashMap<>();
    try (KafkaConsumer<String, byte[]> reader = outcomeReader()) {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(1))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(20))) {
                  String id = decode(r).forwardId();
                  if (ids.contains(id)) {
                    seen.put(id, r);
                  }
                }
                return seen.keySet().containsAll(ids);
              });
    }
    return seen;
  }

  /** Every committed outcome in the topic now. */
  private static List<ForwardOutcome> readAllOutcomes() {
    List<ForwardOutcome> all = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> reader = outcomeReader()) {
      List<TopicPartition> partitions = List.copyOf(reader.assignment());
      Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
      await()
          .atMost(WAIT)
          .until(
              () -> {
                reader.poll(Duration.ofMillis(50)).forEach(r -> all.add(decode(r)));
                return partitions.stream().allMatch(p -> reader.position(p) >= ends.get(p));
              });
    }
    return all;
  }

  private static KafkaConsumer<String, byte[]> outcomeReader() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<String, byte[]> reader =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        IntStream.range(0, PARTITIONS)
            .mapToObj(p -> new TopicPartition(Topics.EXCHANGE_FORWARD_OUTCOMES.name(), p))
            .toList();
    reader.assign(partitions);
    reader.seekToBeginning(partitions);
    return reader;
  }

  /** A loopback port nothing listens on (bound, then released). */
  private static int deadPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
      return socket.getLocalPort();
    }
  }

  private static void hold(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A stub resolver scripted per host: the n-th lookup of a host gets the n-th answer set (the last
   * repeats); an unscripted host does not resolve. Records every lookup.
   */
  private static final class ScriptedResolver implements HostResolver {

    private final Map<String, List<List<InetAddress>>> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<String> lookups = new CopyOnWriteArrayList<>();

    ScriptedResolver answer(String host, InetAddress... addresses) {
      answers.computeIfAbsent(host, h -> new CopyOnWriteArrayList<>()).add(List.of(addresses));
      return this;
    }

    List<String> lookups() {
      return List.copyOf(lookups);
    }

    @Override
    public List<InetAddress> resolve(String asciiHost) throws UnknownHostException {
      lookups.add(asciiHost);
      List<List<InetAddress>> steps = answers.get(asciiHost);
      if (steps == null) {
        throw new UnknownHostException(asciiHost);
      }
      int n = counts.computeIfAbsent(asciiHost, h -> new AtomicInteger()).getAndIncrement();
      return steps.get(Math.min(n, steps.size() - 1));
    }
  }

  /**
   * The real dial with one substitution: the public test address the worker pinned is swapped for
   * 127.0.0.1 just before the real forwarder connects. Records every pinned address it was handed;
   * refuses (never dials) any other.
   */
  private static final class LoopbackRedirect implements Forwarder {

    private final PinnedForwarder real;
    private final List<InetAddress> pinnedAsked = new CopyOnWriteArrayList<>();

    LoopbackRedirect(PinnedForwarder real) {
      this.real = real;
    }

    List<InetAddress> pinnedAsked() {
      return List.copyOf(pinnedAsked);
    }

    @Override
    public ForwardResult forward(
        PinnedTarget target, byte[] body, Map<String, String> signetHeaders) {
      pinnedAsked.add(target.pinned());
      if (!target.pinned().equals(PUBLIC)) {
        return new ForwardResult(
            0, 0, null, false, "TEST_NOT_REDIRECTED: refused to dial " + target.pinned());
      }
      PinnedTarget onLoopback =
          new PinnedTarget(
              target.url(), target.host(), target.port(), target.pathAndQuery(), LOOPBACK);
      return real.forward(onLoopback, body, signetHeaders);
    }

    @Override
    public void close() {
      real.close();
    }
  }
}
