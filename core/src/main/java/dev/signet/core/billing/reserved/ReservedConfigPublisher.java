package dev.signet.core.billing.reserved;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.RecordMac;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.message.ReservedConfigChange;
import dev.signet.core.topic.MacStampingSerializer;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the reserved-capacity file ({@code SP_RESERVED_CONFIG}) to Kafka: topics in: {@link
 * Topics#BILLING_RESERVED_CONFIG} (read from the beginning to its end, read_committed, latest per
 * tenant: the state in force); topics out: the same compacted topic and {@link
 * Topics#BILLING_RESERVED_CONFIG_AUDIT}, one {@link ReservedConfigChange} per tenant that is new,
 * changed or removed, all of one publication in one Kafka transaction.
 *
 * <p>Guarantee: a file is published whole or not at all. An invalid file publishes nothing (the
 * config in force stays), an unchanged tenant publishes nothing, and a reader with read_committed
 * never sees half a publication nor a config change without its audit record.
 *
 * <p>Concurrent publications (two ingress instances reloading at once, or billing starting while an
 * admin reloads) diff against the topic, not against memory, and every record is a full replacement
 * of the tenant's entry, never a delta: each transaction commits whole, a tenant's latest record is
 * the last committed one, and the worst case is a duplicate {@code set} of the same version (an
 * extra audit record with the same {@code version}), which billing applies as a no-op. Two
 * different files published at once end as the last committed one per tenant.
 *
 * <p>Each publication uses its own short-lived transactional producer with a unique {@code
 * transactional.id}: reloads are rare, and no fencing between instances is wanted.
 */
public final class ReservedConfigPublisher {

  /** The environment variable naming the file. */
  public static final String ENV = "SP_RESERVED_CONFIG";

  /** {@code changed_by} of the publication billing makes at start. */
  public static final String CHANGED_BY_STARTUP = "startup";

  private static final Logger log = LoggerFactory.getLogger(ReservedConfigPublisher.class);
  private static final HexFormat HEX = HexFormat.of();
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final KafkaClientProperties kafkaClient;
  private final Clock clock;
  private final Topic<String, ReservedConfigChange> config;
  private final Topic<String, ReservedConfigChange> audit;
  private final RecordMac mac;

  /**
   * @param mac stamps every record (billing applies only authenticated changes) and picks the
   *     authenticated ones out of the topic when reading the config in force
   */
  public ReservedConfigPublisher(
      String bootstrapServers, KafkaClientProperties kafkaClient, Clock clock, RecordMac mac) {
    this(
        bootstrapServers,
        kafkaClient,
        clock,
        mac,
        Topics.BILLING_RESERVED_CONFIG,
        Topics.BILLING_RESERVED_CONFIG_AUDIT);
  }

  /** Over other topics than {@link Topics}' (tests that must not share state). */
  public ReservedConfigPublisher(
      String bootstrapServers,
      KafkaClientProperties kafkaClient,
      Clock clock,
      RecordMac mac,
      Topic<String, ReservedConfigChange> config,
      Topic<String, ReservedConfigChange> audit) {
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.kafkaClient = Objects.requireNonNull(kafkaClient, "kafkaClient");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.mac = Objects.requireNonNull(mac, "mac");
    this.config = Objects.requireNonNull(config, "config");
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /** {@code changed_by} of a reload through the admin endpoint by a key of {@code tenant}. */
  public static String changedByAdmin(String tenant) {
    return "admin:" + tenant;
  }

  /** What a publication did, or why nothing was published. */
  public sealed interface Outcome permits Published, Refused {}

  /** The file was valid; {@link Summary} says what changed (possibly nothing). */
  public record Published(Summary summary) implements Outcome {}

  /** The file was refused for every one of these reasons; nothing was published. */
  public record Refused(Path file, List<String> reasons) implements Outcome {
    public Refused {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * Tenants by what happened to them, each list sorted.
   *
   * @param sourceSha256 hex SHA-256 of the file's bytes
   */
  public record Summary(
      Path file,
      String sourceSha256,
      List<String> added,
      List<String> changed,
      List<String> removed,
      List<String> unchanged) {
    public Summary {
      added = List.copyOf(added);
      changed = List.copyOf(changed);
      removed = List.copyOf(removed);
      unchanged = List.copyOf(unchanged);
    }

    /** Records written to each of the two topics. */
    public int published() {
      return added.size() + changed.size() + removed.size();
    }
  }

  /** Kafka could not be read or written; nothing of this publication is visible. */
  public static final class PublishFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PublishFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Reads, validates, diffs and publishes {@code file}.
   *
   * @param changedBy {@link #CHANGED_BY_STARTUP} or {@link #changedByAdmin}
   * @throws PublishFailedException when Kafka fails; the transaction is aborted
   */
  public Outcome publish(Path file, String changedBy) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(changedBy, "changedBy");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return new Refused(file, List.of("cannot read " + file + ": " + e));
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (ReservedConfigParser.parse(text) instanceof ReservedConfigParser.Invalid invalid) {
      return new Refused(file, invalid.reasons());
    }
    // The parser accepted it, so it is a JSON object of tenant -> object.
    JsonNode root = Json.parse(text);
    Map<String, JsonNode> entries = new TreeMap<>();
    root.properties().forEach(e -> entries.put(e.getKey(), e.getValue()));
    String sourceSha256 = hex(bytes);

    Map<String, ReservedConfigChange> inForce = readInForce();
    String now = clock.instant().toString();
    List<ReservedConfigChange> changes = new ArrayList<>();
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    entries.forEach(
        (tenant, reservation) -> {
          String version = version(reservation);
          ReservedConfigChange current = inForce.get(tenant);
          boolean present = current != null && !current.removed();
          if (present && version.equals(current.version())) {
            unchanged.add(tenant);
            return;
          }
          (present ? changed : added).add(tenant);
          changes.add(
              new ReservedConfigChange(
                  tenant,
                  ReservedConfigChange.SET,
                  reservation,
                  version,
                  present ? current.version() : null,
                  now,
                  changedBy,
                  sourceSha256));
        });
    new TreeMap<>(inForce)
        .forEach(
            (tenant, current) -> {
              if (!current.removed() && !entries.containsKey(tenant)) {
                removed.add(tenant);
                changes.add(
                    new ReservedConfigChange(
                        tenant,
                        ReservedConfigChange.REMOVED,
                        null,
                        null,
                        current.version(),
                        now,
                        changedBy,
                        sourceSha256));
              }
            });
    if (!changes.isEmpty()) {
      write(changes);
    }
    Summary summary = new Summary(file, sourceSha256, added, changed, removed, unchanged);
    log.info(
        "reserved capacity from {} (sha256 {}) by {}: added {}, changed {}, removed {}, {} unchanged",
        file,
        sourceSha256,
        changedBy,
        added,
        changed,
        removed,
        unchanged.size());
    return new Published(summary);
  }

  /** Hex SHA-256 of the entry's RFC 8785 canonical JSON: equal entries, equal versions. */
  public static String version(JsonNode reservation) {
    return hex(Canonical.canonicalBytes(reservation));
  }

  private static String hex(byte[] bytes) {
    return HEX.formatHex(Hashes.digest(bytes));
  }

  /** The latest committed change per tenant: what billing has in force. */
  private Map<String, ReservedConfigChange> readInForce() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(
        ConsumerConfig.CLIENT_ID_CONFIG, "signet-reserved-config-reader-" + UUID.randomUUID());
    Map<String, ReservedConfigChange> latest = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            kafkaClient.applyTo(props),
            Serdes.String().deserializer(),
            Serdes.ByteArray().deserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(config.name(), READ_TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        return latest;
      }
      List<TopicPartition> partitions =
          infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // With read_committed these are the last stable offsets: a publication still open in
      // another instance is not waited for, and is not part of the state diffed against.
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
      Instant deadline = clock.instant().plus(READ_TIMEOUT);
      while (!reached(consumer, end)) {
        if (clock.instant().isAfter(deadline)) {
          throw new PublishFailedException(
              "could not read " + config.name() + " to its end within " + READ_TIMEOUT, null);
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          // Signet never writes tombstones or unauthenticated records: billing ignores them, so
          // they are not part of the config in force either.
          if (record.key() == null
              || record.value() == null
              || !mac.verify(record.headers(), record.value())) {
            continue;
          } else {
            latest.put(
                record.key(),
                config.valueSerde().deserializer().deserialize(record.topic(), record.value()));
          }
        }
      }
    } catch (KafkaException e) {
      throw new PublishFailedException("could not read " + config.name(), e);
    }
    return latest;
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void write(List<ReservedConfigChange> changes) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "signet-reserved-config-" + UUID.randomUUID());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<String, ReservedConfigChange> producer =
        new KafkaProducer<>(
            kafkaClient.applyTo(props),
            config.keySerde().serializer(),
            new MacStampingSerializer<>(config.valueSerde().serializer(), mac))) {
      producer.initTransactions();
      producer.beginTransaction();
      try {
        for (ReservedConfigChange change : changes) {
          producer.send(new ProducerRecord<>(config.name(), change.tenant(), change));
          producer.send(new ProducerRecord<>(audit.name(), change.tenant(), change));
        }
        producer.commitTransaction();
      } catch (KafkaException e) {
        abortQuietly(producer, e);
        throw e;
      }
    } catch (KafkaException e) {
      throw new PublishFailedException(
          "could not publish "
              + changes.size()
              + " reserved-capacity change(s) to "
              + config.name()
              + " and "
              + audit.name(),
          e);
    }
  }

  private static void abortQuietly(KafkaProducer<?, ?> producer, KafkaException cause) {
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      cause.addSuppressed(e);
    }
  }
}
