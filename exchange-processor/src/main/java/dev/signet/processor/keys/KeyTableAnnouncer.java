package dev.signet.processor.keys;

import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.tenant.ApiKeyTable;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.shell.Health;
import dev.signet.shell.HealthCheck;
import dev.signet.shell.Service;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces the processor's API key table on every partition of the requests topic: once at start
 * (the table this instance started with) and again whenever the table changes (a reloaded {@code
 * SP_API_KEYS_FILE}). A task applies a table from its place in the log on (see {@link
 * TaskKeyTable}), so a key added to the file is accepted by every partition shortly after the
 * reload, and a replay never judges a request by a table it was not judged by. A failed
 * announcement is retried on the next tick; until the first one is written the service is not
 * ready.
 */
public final class KeyTableAnnouncer implements Service {

  /** How often the table is looked at; a changed table is announced at the next look. */
  static final Duration TICK = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(KeyTableAnnouncer.class);

  private final ApiKeyTable table;
  private final String topic;
  private final int partitions;
  private final KeyTableRecords records;
  private final Producer<String, byte[]> producer;
  private final Counter announced;
  private final Counter failed;
  private final CountDownLatch firstAnnounced = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "signet-key-table-announcer");
            thread.setDaemon(true);
            return thread;
          });
  // Written by the producer's callbacks, read by the ticker.
  private volatile ApiKeys inFlight;
  private volatile ApiKeys inForce;

  KeyTableAnnouncer(
      ApiKeyTable table,
      String topic,
      int partitions,
      KeyTableRecords records,
      Producer<String, byte[]> producer,
      MeterRegistry meters) {
    this.table = table;
    this.topic = topic;
    this.partitions = partitions;
    this.records = records;
    this.producer = producer;
    this.announced = counter(meters, "announced");
    this.failed = counter(meters, "failed");
  }

  /** An announcer with a producer of its own, configured like every Signet client. */
  public static KeyTableAnnouncer create(
      ApiKeyTable table,
      String topic,
      int partitions,
      KeyTableRecords records,
      String bootstrapServers,
      KafkaClientProperties client,
      MeterRegistry meters) {
    Map<String, Object> config =
        client.clientConfig(
            bootstrapServers,
            Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4",
                ProducerConfig.CLIENT_ID_CONFIG,
                "signet-key-table-announcer"));
    return new KeyTableAnnouncer(
        table,
        topic,
        partitions,
        records,
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer()),
        meters);
  }

  @Override
  public KeyTableAnnouncer start() {
    ticker.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Announces the table in force at the file if it is not the one last announced. */
  void tick() {
    ApiKeys current = table.current();
    if (current == inForce || inFlight != null) {
      return;
    }
    inFlight = current;
    AtomicInteger pending = new AtomicInteger(partitions);
    try {
      for (int partition = 0; partition < partitions; partition++) {
        producer.send(
            records.announcement(topic, partition, current),
            (metadata, error) -> acknowledged(current, pending, error));
      }
    } catch (RuntimeException e) {
      // Raised before anything was sent for some partitions (e.g. a record too large).
      failed(current, e);
    }
  }

  private void acknowledged(ApiKeys table, AtomicInteger pending, Exception error) {
    if (inFlight != table) {
      return; // this round already failed
    }
    if (error != null) {
      failed(table, error);
      return;
    }
    if (pending.decrementAndGet() == 0) {
      inForce = table;
      inFlight = null;
      announced.increment();
      firstAnnounced.countDown();
      log.info("Announced {} API keys on {} partitions of {}", table.size(), partitions, topic);
    }
  }

  private void failed(ApiKeys table, Exception error) {
    if (inFlight == table) {
      inFlight = null;
      failed.increment();
      log.error(
          "Announcing {} API keys on {} failed; retrying in {}", table.size(), topic, TICK, error);
    }
  }

  @Override
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return firstAnnounced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Termination awaitTermination() throws InterruptedException {
    stopped.await();
    return Termination.STOPPED;
  }

  /** Ready once the table it started with is on every partition. */
  @Override
  public HealthCheck health() {
    return () ->
        inForce == null
            ? Health.notReady("announcing the API key table")
            : Health.ready("announced").with("api_keys", inForce.size());
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      producer.close(Duration.ofSeconds(5));
    } finally {
      stopped.countDown();
    }
  }

  private static Counter counter(MeterRegistry meters, String result) {
    return Counter.builder("signet_processor_key_table_announcements")
        .description("Announcements of the API key table on the requests topic, by result")
        .tag("result", result)
        .register(meters);
  }
}
