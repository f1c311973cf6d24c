package dev.signet.launcher.local;

import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Signet's topics on the local broker when they are missing: replication factor 1, a fixed
 * partition count, {@code cleanup.policy=compact} for compacted topics. Idempotent: existing topics
 * are left as they are (their partitions and configs are not altered).
 */
public final class LocalTopics {

  public static final int DEFAULT_PARTITIONS = LocalKafka.DEFAULT_PARTITIONS;

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(LocalTopics.class);

  private final String bootstrapServers;
  private final int partitions;

  public LocalTopics(String bootstrapServers) {
    this(bootstrapServers, DEFAULT_PARTITIONS);
  }

  public LocalTopics(String bootstrapServers, int partitions) {
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be positive, got " + partitions);
    }
    this.partitions = partitions;
  }

  /** Creates every topic of {@link Topics#all()} that is missing; returns the names created. */
  public Set<String> createMissing() {
    return createMissing(Topics.all());
  }

  /**
   * Creates those of {@code topics} that are missing and waits until every partition of every given
   * topic has a leader; returns the names it created (empty when all existed).
   */
  public Set<String> createMissing(Collection<? extends Topic<?, ?>> topics) {
    Map<String, NewTopic> wanted = new LinkedHashMap<>();
    for (Topic<?, ?> topic : topics) {
      NewTopic newTopic =
          new NewTopic(topic.name(), Optional.of(partitions), Optional.of((short) 1));
      newTopic.configs(topic.configs());
      wanted.put(topic.name(), newTopic);
    }
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.CLIENT_ID_CONFIG,
            "signet-local-topics");
    try (Admin admin = Admin.create(config)) {
      Set<String> existing = get(admin.listTopics().names());
      List<NewTopic> missing = new ArrayList<>();
      for (NewTopic t : wanted.values()) {
        if (!existing.contains(t.name())) {
          missing.add(t);
        }
      }
      Set<String> created = new TreeSet<>();
      if (!missing.isEmpty()) {
        for (Map.Entry<String, KafkaFuture<Void>> e :
            admin.createTopics(missing).values().entrySet()) {
          try {
            get(e.getValue());
            created.add(e.getKey());
          } catch (IllegalStateException ex) {
            if (!(ex.getCause() instanceof TopicExistsException)) {
              throw ex;
            }
          }
        }
        log.info("Created topics {}", created);
      }
      awaitLeaders(admin, wanted.keySet());
      return created;
    }
  }

  private static void awaitLeaders(Admin admin, Set<String> names) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try {
        Map<String, TopicDescription> descriptions =
            get(admin.describeTopics(names).allTopicNames());
        boolean ready =
            descriptions.values().stream()
                .flatMap(d -> d.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (ready) {
          return;
        }
      } catch (IllegalStateException e) {
        // Just created: the broker may not know the topic yet.
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topics " + names + " have no leaders after " + TIMEOUT);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for topic leaders", e);
      }
    }
  }

  /**
   * Waits for an admin future; failures come out as an IllegalStateException whose cause is
   * Kafka's.
   */
  private static <T> T get(KafkaFuture<T> future) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("local Kafka admin call timed out after " + TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
