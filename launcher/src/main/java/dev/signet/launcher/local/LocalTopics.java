package dev.signet.launcher.local;

import dev.signet.cli.topics.ApplyReport;
import dev.signet.cli.topics.TopicApplier;
import dev.signet.cli.topics.TopicLayout;
import dev.signet.cli.topics.TopicResult;
import dev.signet.cli.topics.TopicSpec;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.util.Collection;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode's topics, through the same {@link TopicApplier} as {@code signet topics apply}:
 * replication factor 1, a fixed partition count, the table's configs. Idempotent: existing topics
 * are checked, never altered; a request-partitioned topic with another partition count stops local
 * mode (its traces would be read where their state is not).
 */
public final class LocalTopics {

  public static final int DEFAULT_PARTITIONS = LocalKafka.DEFAULT_PARTITIONS;

  private static final Logger log = LoggerFactory.getLogger(LocalTopics.class);

  private final String bootstrapServers;
  private final KafkaClientProperties kafkaClient;
  private final TopicLayout layout;

  public LocalTopics(String bootstrapServers) {
    this(bootstrapServers, KafkaClientProperties.none(), DEFAULT_PARTITIONS);
  }

  /** Over {@code bootstrapServers} reached with {@code kafkaClient}'s security settings. */
  public LocalTopics(String bootstrapServers, KafkaClientProperties kafkaClient, int partitions) {
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.kafkaClient = Objects.requireNonNull(kafkaClient, "kafkaClient");
    // One broker: replication 1, and the broker's own min.insync.replicas.
    this.layout = new TopicLayout(partitions, (short) 1, OptionalInt.empty());
  }

  /** Creates every topic of {@link Topics#all()} that is missing; returns the names created. */
  public Set<String> createMissing() {
    return createMissing(Topics.all());
  }

  /**
   * Creates those of {@code topics} that are missing and waits until every partition of every given
   * topic has a leader; returns the names it created (empty when all existed).
   *
   * @throws IllegalStateException when a request-partitioned topic has another partition count
   */
  public Set<String> createMissing(Collection<? extends Topic<?, ?>> topics) {
    ApplyReport report;
    try (Admin admin = TopicApplier.connect(bootstrapServers, kafkaClient, "signet-local-topics")) {
      report = new TopicApplier(admin).apply(TopicSpec.of(topics, layout), false);
    }
    if (report.hasErrors()) {
      throw new IllegalStateException(
          "local topics at "
              + bootstrapServers
              + " do not match SP_LOCAL_PARTITIONS="
              + layout.partitions()
              + ":\n"
              + report.describeErrors());
    }
    for (TopicResult result : report.results()) {
      if (result.action() == TopicResult.Action.WARNING) {
        log.warn("Topic {}: {}", result.topic(), result.detail());
      }
    }
    if (!report.created().isEmpty()) {
      log.info("Created topics {}", report.created());
    }
    return report.created();
  }
}
