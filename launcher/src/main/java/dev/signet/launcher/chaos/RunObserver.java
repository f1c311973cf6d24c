package dev.signet.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.HourlyUsage;
import dev.signet.core.message.OverageCharge;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.topic.Topics;
import dev.signet.launcher.chaos.BillingChecks.Charge;
import dev.signet.launcher.chaos.Observations.Answer;
import dev.signet.launcher.chaos.Observations.StoredReceipt;
import dev.signet.launcher.chaos.Observations.TenantHour;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads back what a chaos run produced once its load is done: the async results (committed only),
 * the receipts and conflicts in PostgreSQL, billing's hourly totals and the dead letters, waiting
 * for the pipeline to settle, and verifies every stored chain with the run's public key.
 */
final class RunObserver {

  private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration BILLING_TIMEOUT = Duration.ofMinutes(3);

  private static final Duration CHARGES_TIMEOUT = Duration.ofMinutes(5);

  private final ChaosCluster cluster;
  private final LoadDriver load;
  private final StripeStandIn stripe;
  private final ChaosPricing pricing;
  private final ForwardTarget forwardTarget;

  RunObserver(
      ChaosCluster cluster,
      LoadDriver load,
      StripeStandIn stripe,
      ChaosPricing pricing,
      ForwardTarget forwardTarget) {
    this.cluster = cluster;
    this.load = load;
    this.stripe = stripe;
    this.pricing = pricing;
    this.forwardTarget = forwardTarget;
  }

  Observations observe() throws SQLException, InterruptedException {
    List<Answer> answers = new ArrayList<>(load.syncAnswers);
    answers.addAll(asyncAnswers());
    List<StoredReceipt> stored = awaitStored(answers);
    Map<TenantHour, Long> billed = awaitBilling(stored);
    List<Charge> charges = awaitCharges(stored);
    List<String> deadLettered = new ArrayList<>();
    readAll(
        Topics.EXCHANGE_DLQ.name(),
        record ->
            deadLettered.add(SignetHeaders.text(record.headers(), SignetHeaders.IDEMPOTENCY_KEY)));
    return new Observations(
        load.requests,
        answers,
        stored,
        count("SELECT count(*) FROM receipt_conflicts"),
        brokenChains(),
        cliRejected(stored),
        billed,
        load.poison,
        deadLettered,
        Optional.of(new BillingChecks.Seen(charges, stripe.tally(), pricing)),
        Optional.of(forwarding()));
  }

  /** The confirmed forwarding exchanges, the receipts that record a forward, the deliveries. */
  private ForwardChecks.Seen forwarding() throws SQLException {
    Set<String> confirmed =
        load.forwardKeys.stream()
            .filter(key -> load.requests.get(key) != null && load.requests.get(key).confirmed())
            .collect(Collectors.toSet());
    List<ForwardChecks.ForwardedReceipt> receipts = new ArrayList<>();
    try (Connection c = cluster.openDatabase();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT body FROM receipts")) {
      while (rs.next()) {
        JsonNode receipt = Json.parse(rs.getString(1));
        JsonNode forwarded = receipt.get("forwarded");
        if (forwarded != null && !forwarded.isNull()) {
          String key =
              Json.parse(receipt.get("canon").asText()).at("/Document/Invoice/Id").asText();
          JsonNode error = forwarded.get("error");
          receipts.add(
              new ForwardChecks.ForwardedReceipt(
                  key,
                  forwarded.path("status_code").asInt(0),
                  error == null || error.isNull() ? null : error.asText()));
        }
      }
    }
    return new ForwardChecks.Seen(
        confirmed, receipts, forwardTarget.deliveries(), forwardTarget.slowAnswers());
  }

  /**
   * Billing's overage charges once they cover the formula on the stored receipts and the Stripe
   * stand-in has accepted each of them, or the wait is over (charges come once per charge interval,
   * and a push whose answer was held waits out the client's timeout before it is retried).
   */
  private List<Charge> awaitCharges(List<StoredReceipt> stored) {
    long deadline = System.nanoTime() + CHARGES_TIMEOUT.toNanos();
    while (true) {
      List<Charge> charges = charges();
      BillingChecks.Seen seen = new BillingChecks.Seen(charges, stripe.tally(), pricing);
      boolean settled =
          BillingChecks.chargesEqualFormula(seen, stored).passed()
              && BillingChecks.distinct(charges).keySet().stream()
                  .allMatch(stripe.tally().accepted()::containsKey);
      if (settled || System.nanoTime() > deadline) {
        return charges;
      }
      ChaosCluster.sleep(Duration.ofSeconds(3));
    }
  }

  private List<Charge> charges() {
    List<Charge> charges = new ArrayList<>();
    readAll(
        Topics.BILLING_OVERAGE.name(),
        record -> {
          OverageCharge c =
              Topics.BILLING_OVERAGE
                  .valueSerde()
                  .deserializer()
                  .deserialize(record.topic(), record.value());
          charges.add(
              new Charge(
                  c.chargeId(),
                  c.tenant(),
                  c.period(),
                  c.band(),
                  c.units(),
                  new BigDecimal(c.amount()),
                  c.stripeEventName(),
                  c.stripeCustomer()));
        });
    return charges;
  }

  /**
   * The committed result of every async record, named by the invoice id (the idempotency key) in
   * its normalized document, read until each acknowledged exchange has one or the wait is over.
   */
  private List<Answer> asyncAnswers() {
    Set<String> expected =
        load.asyncKeys.stream()
            .filter(key -> load.requests.get(key) != null && load.requests.get(key).confirmed())
            .collect(Collectors.toSet());
    List<Answer> answers = new ArrayList<>();
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    while (true) {
      answers.clear();
      readAll(
          Topics.EXCHANGE_RESULTS.name(),
          record -> {
            ExchangeResult result = ExchangeResult.fromWire(record.value());
            if (result.status() != 200) {
              return;
            }
            JsonNode body = result.body().tree();
            String key = body.at("/normalized/Document/Invoice/Id").asText();
            JsonNode receipt = body.get("receipt");
            if (load.asyncKeys.contains(key) && receipt != null) {
              answers.add(
                  new Answer(
                      key,
                      receipt.get("trace_id").asText(),
                      receipt.get("hop").asInt(),
                      receipt.get("receipt_hash").asText()));
            }
          });
      Set<String> answered =
          answers.stream().map(Answer::idempotencyKey).collect(Collectors.toSet());
      if (answered.containsAll(expected) || System.nanoTime() > deadline) {
        return answers;
      }
      ChaosCluster.sleep(Duration.ofSeconds(2));
    }
  }

  /** The receipts table once it holds every answered receipt and has stopped growing. */
  private List<StoredReceipt> awaitStored(List<Answer> answers) throws SQLException {
    Set<String> answered = answers.stream().map(Answer::receiptHash).collect(Collectors.toSet());
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    List<StoredReceipt> stored = storedReceipts();
    while (System.nanoTime() < deadline) {
      ChaosCluster.sleep(Duration.ofSeconds(3));
      List<StoredReceipt> again = storedReceipts();
      Set<String> hashes =
          again.stream().map(StoredReceipt::receiptHash).collect(Collectors.toSet());
      boolean settled = again.size() == stored.size() && hashes.containsAll(answered);
      stored = again;
      if (settled) {
        break;
      }
    }
    return stored;
  }

  /** Billing's latest hourly totals, once they equal the receipts or the wait is over. */
  private Map<TenantHour, Long> awaitBilling(List<StoredReceipt> stored) {
    Map<TenantHour, Long> expected = ReliabilityChecks.receiptsPerTenantHour(stored);
    long deadline = System.nanoTime() + BILLING_TIMEOUT.toNanos();
    Map<TenantHour, Long> billed = billedVex();
    while (!billed.equals(expected) && System.nanoTime() < deadline) {
      ChaosCluster.sleep(Duration.ofSeconds(3));
      billed = billedVex();
    }
    return billed;
  }

  private Map<TenantHour, Long> billedVex() {
    Map<String, HourlyUsage> latest = new HashMap<>();
    readAll(
        Topics.BILLING_USAGE_HOURLY.name(),
        record -> {
          HourlyUsage usage =
              Topics.BILLING_USAGE_HOURLY
                  .valueSerde()
                  .deserializer()
                  .deserialize(record.topic(), record.value());
          latest.put(record.key(), usage);
        });
    Map<TenantHour, Long> billed = new HashMap<>();
    latest
        .values()
        .forEach(
            usage ->
                billed.merge(
                    new TenantHour(usage.tenant(), Instant.parse(usage.windowStart())),
                    usage.vex(),
                    Long::sum));
    return billed;
  }

  private List<StoredReceipt> storedReceipts() throws SQLException {
    List<StoredReceipt> stored = new ArrayList<>();
    try (Connection c = cluster.openDatabase();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT trace_id, hop, tenant, receipt_hash, prev_receipt_hash, ts FROM receipts")) {
      while (rs.next()) {
        stored.add(
            new StoredReceipt(
                rs.getString(1),
                rs.getInt(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getTimestamp(6).toInstant()));
      }
    }
    return stored;
  }

  /** Traces whose stored chain does not verify (signatures, hashes, links) with the run's key. */
  private Set<String> brokenChains() throws SQLException {
    ReceiptVerifier verifier = ReceiptVerifier.withKeys(cluster.jwks());
    Map<String, List<JsonNode>> chains = new HashMap<>();
    Map<String, List<Integer>> hops = new HashMap<>();
    try (Connection c = cluster.openDatabase();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT trace_id, hop, body FROM receipts ORDER BY trace_id, hop")) {
      while (rs.next()) {
        chains
            .computeIfAbsent(rs.getString(1), t -> new ArrayList<>())
            .add(Json.parse(rs.getString(3)));
        hops.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(rs.getInt(2));
      }
    }
    Set<String> broken = new HashSet<>();
    chains.forEach(
        (trace, chain) -> {
          if (!verifier.verifyChain(chain).valid()) {
            broken.add(trace);
          }
        });
    return broken;
  }

  /** Every stored trace exported and verified with the CLI, as its tenant would. */
  private Set<String> cliRejected(List<StoredReceipt> stored) throws InterruptedException {
    Map<String, String> keyOfTenant = new HashMap<>();
    ChaosCluster.API_KEYS.forEach((key, tenant) -> keyOfTenant.put(tenant, key));
    Map<String, String> keyOfTrace = new HashMap<>();
    stored.forEach(r -> keyOfTrace.put(r.trace(), keyOfTenant.get(r.tenant())));
    System.out.printf(
        "chaos: exporting and verifying %d chains with signet export / verify bundle%n",
        keyOfTrace.size());
    Map<String, String> rejected =
        new CliChainVerifier(cluster.ingressBase(), cluster.runDir().resolve("bundles"))
            .rejected(keyOfTrace);
    rejected.forEach(
        (trace, why) -> System.out.printf("chaos: the CLI rejects chain %s: %s%n", trace, why));
    return rejected.keySet();
  }

  private long count(String sql) throws SQLException {
    try (Connection c = cluster.openDatabase();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Every committed record of {@code topic}, from the beginning to the current end. */
  private void readAll(String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cluster.kafkaBootstrap(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5000);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .sorted(Comparator.comparingInt(TopicPartition::partition))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          each.accept(record);
        }
      }
    }
  }
}
