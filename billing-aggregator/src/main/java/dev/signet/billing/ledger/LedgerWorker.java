package dev.signet.billing.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.signet.billing.stripe.MeterCharge;
import dev.signet.billing.stripe.MeterEventPusher;
import dev.signet.billing.stripe.PushLedger;
import dev.signet.billing.stripe.PushOutcome;
import dev.signet.billing.stripe.StripeBilling;
import dev.signet.core.crypto.BillingMacs;
import dev.signet.core.message.OverageCharge;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.message.StripePush;
import dev.signet.core.topic.Topics;
import dev.signet.shell.ConsumerLoop;
import dev.signet.shell.HealthCheck;
import dev.signet.shell.Service;
import dev.signet.shell.SinkHealth;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Billing's ledger worker: materialises the billing topics for finance and pushes overage charges
 * to Stripe, on its own thread, never on a stream thread (it blocks on JDBC and HTTP).
 *
 * <p>In: {@code signet.billing.overage.v1}, {@code signet.billing.period-totals.v1}, {@code
 * signet.billing.reserved-config.v1}, with {@code isolation.level=read_committed} in its own group
 * ({@value LedgerConfig#DEFAULT_GROUP_ID}). Out: tables {@code billing_charges}, {@code
 * billing_period_totals}, {@code billing_reservations}, {@code stripe_push_ledger}, {@code
 * stripe_push_dead_letters}; topics {@code signet.billing.stripe-pushes.v1} (one {@link StripePush}
 * per handling of a charge) and {@code signet.billing.stripe-dlq.v1}.
 *
 * <p>Guarantee: every committed record is materialised, and every pushable charge reaches Stripe at
 * most once per charge id (the permanent push ledger, not Kafka, is the exactly-once guard: see
 * {@link StripeBilling}). Per poll: the tables are written in one transaction, then each charge is
 * billed, then the produced records are awaited (acks), and only then are the offsets committed. A
 * failure anywhere ({@link SQLException}, a record Kafka did not acknowledge) rewinds the poll and
 * retries it after a backoff; nothing is skipped, and a retry is harmless because every write is
 * idempotent and a recorded charge is never pushed again. Push-status records may therefore repeat
 * (the latest per charge id is its state).
 *
 * <p>Ordering: charges are billed one at a time, partition by partition in offset order, so a
 * tenant's charges reach Stripe in the order they were computed and Stripe sees one request at a
 * time from each worker (its rate limits are per account). More throughput means more partitions
 * and instances of the group, not concurrency within one.
 *
 * <p>Without {@code SP_STRIPE_API_KEY} nothing is pushed: charges are materialised and get a {@code
 * skipped} push record; the start-up log and the health details say pushing is off.
 */
public final class LedgerWorker implements Service {

  static final String PUSHING_OFF = "Stripe pushing is OFF (no SP_STRIPE_API_KEY)";

  private static final Logger log = LoggerFactory.getLogger(LedgerWorker.class);

  private static final List<String> TOPICS =
      List.of(
          Topics.BILLING_OVERAGE.name(),
          Topics.BILLING_PERIOD_TOTALS.name(),
          Topics.BILLING_RESERVED_CONFIG.name());
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(15);
  private static final int MAX_UNEXPECTED_FAILURES = 5;

  private final LedgerConfig config;
  private final DataSource dataSource;
  private final AutoCloseable pool;
  private final LedgerTables tables;
  private final Optional<StripeBilling> stripe;
  private final Clock clock;
  private final BillingMacs macs;
  private final LedgerMetrics metrics;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final ConsumerLoop loop;
  private Duration nextPause;
  private int unexpectedInARow;

  /**
   * @param pool closed with the worker (the connection pool behind {@code dataSource}), or null
   * @param stripe the biller, empty when pushing is off
   */
  LedgerWorker(
      LedgerConfig config,
      BillingMacs macs,
      MeterRegistry registry,
      DataSource dataSource,
      AutoCloseable pool,
      Optional<StripeBilling> stripe,
      Clock clock) {
    this.config = config;
    this.macs = macs;
    this.dataSource = dataSource;
    this.pool = pool;
    this.tables = new LedgerTables(dataSource);
    this.stripe = stripe;
    this.clock = clock;
    this.metrics = new LedgerMetrics(registry, clock);
    this.nextPause = config.retryInitial();
    this.consumer =
        new KafkaConsumer<>(
            consumerProperties(config), new StringDeserializer(), new ByteArrayDeserializer());
    this.producer =
        new KafkaProducer<>(
            producerProperties(config), new StringSerializer(), new ByteArraySerializer());
    this.loop =
        new ConsumerLoop(
            "ledger worker", "signet-billing-ledger", CLOSE_TIMEOUT, consumer, new Loop());
  }

  /**
   * The worker over {@code config}: its own connection pool, and Stripe when a key is set. It acts
   * only on records carrying billing's {@code macs}.
   */
  public static LedgerWorker create(LedgerConfig config, BillingMacs macs, MeterRegistry registry) {
    HikariDataSource pool = pool(config);
    Optional<StripeBilling> stripe =
        config
            .stripe()
            .map(
                s ->
                    new StripeBilling(
                        new PushLedger(pool),
                        new MeterEventPusher(s, registry),
                        registry,
                        Clock.systemUTC()));
    return new LedgerWorker(config, macs, registry, pool, pool, stripe, Clock.systemUTC());
  }

  static Map<String, Object> consumerProperties(LedgerConfig config) {
    return config
        .kafkaClient()
        .clientConfig(
            config.bootstrapServers(),
            Map.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                config.groupId(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // A new group materialises everything billing has published, not only what comes
                // next.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                config.maxBatch(),
                // A poll's charges are pushed one by one, with retries while Stripe is unwell:
                // give a batch far longer than the default 5 minutes before the group moves its
                // partitions.
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                (int) Duration.ofMinutes(30).toMillis()));
  }

  static Map<String, Object> producerProperties(LedgerConfig config) {
    return config
        .kafkaClient()
        .clientConfig(
            config.bootstrapServers(),
            Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.CLIENT_ID_CONFIG,
                config.groupId() + "-producer"));
  }

  private static HikariDataSource pool(LedgerConfig config) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(config.postgres().jdbcUrl());
    hikari.setUsername(config.postgres().user());
    hikari.setPassword(config.postgres().password());
    hikari.setPoolName("signet-billing-ledger");
    hikari.addDataSourceProperty("ApplicationName", "signet-billing-ledger");
    // Flyway needs two connections at once; the worker itself uses one at a time.
    hikari.setMaximumPoolSize(3);
    hikari.setInitializationFailTimeout(-1);
    hikari.setConnectionTimeout(3_000);
    hikari.addDataSourceProperty("socketTimeout", "60");
    return new HikariDataSource(hikari);
  }

  /** Brings billing's schema up to date, then starts the worker's thread. */
  @Override
  public LedgerWorker start() {
    loop.start();
    return this;
  }

  @Override
  public boolean awaitRunning(Duration timeout) {
    return isRunning();
  }

  @Override
  public Termination awaitTermination() throws InterruptedException {
    return loop.awaitTermination();
  }

  /** Ready while the loop runs; says whether Stripe pushing is on, the lag and the dead letters. */
  @Override
  public HealthCheck health() {
    return SinkHealth.of(this::isRunning)
        .withDetail("stripe_pushing", () -> stripe.isPresent() ? "on" : PUSHING_OFF)
        .withDetail("lag", metrics.lag::records)
        .withDetail("dead_letters", metrics.deadLetters::get);
  }

  public boolean isRunning() {
    return loop.isRunning();
  }

  /** Whether charges are pushed to Stripe (an API key is configured). */
  public boolean pushing() {
    return stripe.isPresent();
  }

  /**
   * Stops after the charge in hand: a poll not fully handled is not committed, and the next owner
   * handles it again (the push ledger keeps Stripe from seeing a charge twice).
   */
  @Override
  public void close() {
    loop.close();
  }

  /** The worker's part of the loop: billing's schema, its topics, its batches, its failure. */
  private final class Loop implements ConsumerLoop.Body {

    @Override
    public void prepare() {
      PushLedger.migrate(dataSource);
      if (stripe.isEmpty()) {
        log.warn(PUSHING_OFF + ": charges are computed, published and materialised, not billed");
      } else {
        log.info("Stripe pushing is on, to {}", config.stripe().orElseThrow().apiBase());
      }
    }

    @Override
    public void subscribe() {
      consumer.subscribe(TOPICS);
      refreshDeadLetters();
    }

    @Override
    public void turn() {
      ConsumerRecords<String, byte[]> records = consumer.poll(config.pollTimeout());
      metrics.lag.update(consumer);
      if (records.isEmpty()) {
        return;
      }
      try {
        handle(records);
        commit(records);
        nextPause = config.retryInitial();
        unexpectedInARow = 0;
      } catch (SQLException | KafkaException e) {
        if (e instanceof WakeupException || e instanceof InterruptException) {
          throw (RuntimeException) e;
        }
        retryLater(records, e);
      } catch (RuntimeException e) {
        if (++unexpectedInARow >= MAX_UNEXPECTED_FAILURES) {
          throw new IllegalStateException(
              "the ledger worker failed " + unexpectedInARow + " times in a row; giving up", e);
        }
        retryLater(records, e);
      }
    }

    @Override
    public void closeClients() {
      closeQuietly(consumer, "consumer");
      closeQuietly(producer, "producer");
    }

    @Override
    public void closeResources() {
      closePool();
    }

    @Override
    public void onFailure(Throwable cause) {
      log.error(
          "BILLING LEDGER WORKER STOPPED: charges are no longer materialised or pushed", cause);
    }
  }

  /** Materialise, bill each charge, wait for every produced record's ack. */
  private void handle(ConsumerRecords<String, byte[]> records) throws SQLException {
    LedgerBatch batch = LedgerBatch.of(records, macs);
    tables.materialise(batch);
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    boolean deadLettersChanged = false;
    for (OverageCharge charge : batch.charges()) {
      deadLettersChanged |= bill(charge, acks);
    }
    producer.flush();
    for (Future<RecordMetadata> ack : acks) {
      awaitAck(ack);
    }
    if (deadLettersChanged) {
      refreshDeadLetters();
    }
    if (batch.lastTimestampMs() >= 0) {
      metrics.lastHandledTimestampMs.set(batch.lastTimestampMs());
    }
  }

  /** Bills one charge; returns whether the dead letters changed. */
  private boolean bill(OverageCharge charge, List<Future<RecordMetadata>> acks)
      throws SQLException {
    if (stripe.isEmpty()) {
      metrics.skipped.increment();
      acks.add(status(charge, StripePush.SKIPPED, 0, null, "no SP_STRIPE_API_KEY"));
      return false;
    }
    if (!pushable(charge)) {
      metrics.notPushable.increment();
      acks.add(
          status(
              charge,
              StripePush.NOT_PUSHABLE,
              0,
              null,
              "no Stripe meter event name or customer configured for the tenant"));
      return false;
    }
    MeterCharge meterCharge =
        new MeterCharge(
            charge.chargeId(),
            charge.tenant(),
            charge.stripeCustomer(),
            charge.stripeEventName(),
            charge.units());
    PushOutcome outcome = stripe.get().bill(meterCharge);
    if (outcome instanceof PushOutcome.Pushed pushed) {
      acks.add(
          status(charge, StripePush.PUSHED, pushed.attempts(), pushed.stripeResponseId(), null));
      return tables.clearDeadLetter(charge.chargeId());
    }
    if (outcome instanceof PushOutcome.Failed failure) {
      deadLetter(charge, failure, acks);
      return true;
    }
    acks.add(status(charge, StripePush.ALREADY_PUSHED, 0, null, null));
    return tables.clearDeadLetter(charge.chargeId());
  }

  private void deadLetter(
      OverageCharge charge, PushOutcome.Failed failure, List<Future<RecordMetadata>> acks)
      throws SQLException {
    log.error(
        "STRIPE DEAD LETTER: charge {} of tenant {} ({} units of {}) was not accepted after {}"
            + " attempt(s): {}. See stripe_push_dead_letters and {}",
        charge.chargeId(),
        charge.tenant(),
        charge.units(),
        charge.stripeEventName(),
        failure.attempts(),
        failure.reason(),
        Topics.BILLING_STRIPE_DLQ.name());
    tables.deadLetter(charge, failure.reason(), failure.attempts(), clock.instant());
    ProducerRecord<String, byte[]> dlq =
        new ProducerRecord<>(
            Topics.BILLING_STRIPE_DLQ.name(),
            charge.chargeId(),
            Topics.BILLING_STRIPE_DLQ
                .valueSerde()
                .serializer()
                .serialize(Topics.BILLING_STRIPE_DLQ.name(), charge));
    dlq.headers().add(SignetHeaders.ERROR, failure.reason().getBytes(StandardCharsets.UTF_8));
    acks.add(producer.send(dlq));
    acks.add(status(charge, StripePush.DEAD_LETTERED, failure.attempts(), null, failure.reason()));
    metrics.deadLettered.increment();
  }

  private Future<RecordMetadata> status(
      OverageCharge charge, String outcome, int attempts, String requestId, String reason) {
    StripePush push =
        new StripePush(
            charge.chargeId(),
            charge.tenant(),
            outcome,
            charge.stripeEventName(),
            charge.stripeCustomer(),
            charge.units(),
            attempts,
            requestId,
            reason,
            clock.instant().toString());
    String topic = Topics.BILLING_STRIPE_PUSHES.name();
    return producer.send(
        new ProducerRecord<>(
            topic,
            charge.chargeId(),
            Topics.BILLING_STRIPE_PUSHES.valueSerde().serializer().serialize(topic, push)));
  }

  private static boolean pushable(OverageCharge charge) {
    return charge.pushable()
        && !charge.stripeEventName().isBlank()
        && !charge.stripeCustomer().isBlank();
  }

  private static void awaitAck(Future<RecordMetadata> ack) {
    try {
      ack.get();
    } catch (ExecutionException e) {
      throw new KafkaException("a billing record was not acknowledged", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }

  private void commit(ConsumerRecords<String, byte[]> records) {
    try {
      consumer.commitSync(records.nextOffsets(), COMMIT_TIMEOUT);
    } catch (CommitFailedException e) {
      // The partitions moved: the new owner handles the poll again, which changes nothing.
      log.warn("Ledger offsets not committed after a rebalance: {}", e.toString());
    }
  }

  private void retryLater(ConsumerRecords<String, byte[]> records, Exception e) {
    metrics.retries.increment();
    Duration pause = nextPause;
    Duration doubled = nextPause.multipliedBy(2);
    nextPause = doubled.compareTo(config.retryMax()) > 0 ? config.retryMax() : doubled;
    log.warn(
        "Ledger worker could not finish a batch of {} records, retrying it in {} ms without"
            + " committing: {}",
        records.count(),
        pause.toMillis(),
        e.toString());
    rewind(records);
    loop.pause(pause);
  }

  private void rewind(ConsumerRecords<String, byte[]> records) {
    for (TopicPartition partition : records.partitions()) {
      try {
        consumer.seek(partition, records.records(partition).get(0).offset());
      } catch (IllegalStateException e) {
        // No longer ours: the new owner reads from the committed offset, not past these.
        log.debug("Partition {} was revoked; not rewinding it", partition);
      }
    }
  }

  private void refreshDeadLetters() {
    try {
      metrics.deadLetters.set(tables.deadLetters());
    } catch (SQLException e) {
      log.debug("Could not count the dead letters: {}", e.toString());
    }
  }

  private void closePool() {
    if (pool == null) {
      return;
    }
    try {
      pool.close();
    } catch (Exception e) {
      log.warn("Could not close the ledger's connection pool: {}", e.toString());
    }
  }

  private static void closeQuietly(AutoCloseable client, String what) {
    try {
      client.close();
    } catch (Exception e) {
      log.warn("Could not close the ledger {} cleanly: {}", what, e.toString());
    }
  }
}
