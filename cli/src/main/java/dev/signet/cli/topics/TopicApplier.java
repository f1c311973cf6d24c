package dev.signet.cli.topics;

import dev.signet.core.config.KafkaClientProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Brings a cluster's topics in line with the code's table, the one implementation behind {@code
 * signet topics apply} and local mode: creates what is missing with its partitions, replication and
 * configs; checks what exists; never deletes, shrinks, grows or alters anything.
 *
 * <p>An existing request-partitioned topic ({@link TopicSpec#partitionedLikeRequests()}) with
 * another partition count is an error and stops the run before anything is created: the processor
 * would read traces on partitions their state is not on. Any other difference is a warning.
 */
public final class TopicApplier {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Admin admin;

  public TopicApplier(Admin admin) {
    this.admin = admin;
  }

  /**
   * An admin client for {@code bootstrapServers} with the given security settings, whose calls give
   * up after 30 s.
   */
  public static Admin connect(
      String bootstrapServers, KafkaClientProperties kafkaClient, String clientId) {
    return Admin.create(
        kafkaClient.clientConfig(
            bootstrapServers,
            Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG,
                clientId,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT.toMillis())));
  }

  /**
   * Checks every topic of {@code specs} and, unless this is a dry run or an error was found,
   * creates the missing ones and waits until all their partitions have leaders.
   *
   * @throws IllegalStateException when the cluster cannot be asked or refuses a creation (its
   *     message says which call; the cause is Kafka's)
   */
  public ApplyReport apply(List<TopicSpec> specs, boolean dryRun) {
    Set<String> existing = get(admin.listTopics().names(), "list topics");
    List<String> present = specs.stream().map(TopicSpec::name).filter(existing::contains).toList();
    Map<String, TopicDescription> descriptions =
        present.isEmpty()
            ? Map.of()
            : get(admin.describeTopics(present).allTopicNames(), "describe topics");
    Map<ConfigResource, Config> configs =
        present.isEmpty()
            ? Map.of()
            : get(
                admin
                    .describeConfigs(
                        present.stream()
                            .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                            .toList())
                    .all(),
                "describe topic configs");

    Map<String, TopicResult> results = new LinkedHashMap<>();
    for (TopicSpec spec : specs) {
      results.put(
          spec.name(),
          existing.contains(spec.name())
              ? check(
                  spec,
                  descriptions.get(spec.name()),
                  configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name())))
              : new TopicResult(spec.name(), TopicResult.Action.MISSING, describe(spec)));
    }
    ApplyReport checked = new ApplyReport(List.copyOf(results.values()), dryRun);
    if (dryRun || checked.hasErrors()) {
      return checked;
    }

    Map<String, TopicSpec> byName = new LinkedHashMap<>();
    List<NewTopic> missing = new ArrayList<>();
    for (TopicSpec spec : specs) {
      byName.put(spec.name(), spec);
      if (results.get(spec.name()).action() == TopicResult.Action.MISSING) {
        missing.add(
            new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
                .configs(spec.configs()));
      }
    }
    if (!missing.isEmpty()) {
      for (Map.Entry<String, KafkaFuture<Void>> created :
          admin.createTopics(missing).values().entrySet()) {
        String name = created.getKey();
        try {
          get(created.getValue(), "create " + name);
          results.put(
              name, new TopicResult(name, TopicResult.Action.CREATED, describe(byName.get(name))));
        } catch (IllegalStateException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
          // Another client created it between our check and our request; it is not ours to judge.
          results.put(
              name,
              new TopicResult(
                  name, TopicResult.Action.UNCHANGED, "created meanwhile by another client"));
        }
      }
    }
    awaitLeaders(specs.stream().map(TopicSpec::name).collect(Collectors.toSet()));
    return new ApplyReport(List.copyOf(results.values()), false);
  }

  private static String describe(TopicSpec spec) {
    return spec.partitions()
        + " partitions, replication "
        + spec.replicationFactor()
        + ", "
        + spec.describeConfigs();
  }

  /** Compares an existing topic with its spec; never changes it. */
  static TopicResult check(TopicSpec spec, TopicDescription description, Config config) {
    List<String> differences = new ArrayList<>();
    int partitions = description.partitions().size();
    if (partitions != spec.partitions()) {
      if (spec.partitionedLikeRequests()) {
        return new TopicResult(
            spec.name(),
            TopicResult.Action.ERROR,
            "has "
                + partitions
                + " partitions, "
                + spec.partitions()
                + " requested: it must have the requests topic's count, and adding partitions"
                + " moves traces away from their state; apply with "
                + partitions
                + " partitions instead (nothing was created)");
      }
      differences.add(
          "has "
              + partitions
              + " partitions, "
              + spec.partitions()
              + " requested (partitions are never changed here)");
    }
    int replicas = description.partitions().get(0).replicas().size();
    if (replicas < spec.replicationFactor()) {
      differences.add(
          "replication " + replicas + ", " + spec.replicationFactor() + " requested (not altered)");
    }
    for (Map.Entry<String, String> wanted : spec.configs().entrySet()) {
      ConfigEntry entry = config == null ? null : config.get(wanted.getKey());
      String actual = entry == null ? null : entry.value();
      if (!wanted.getValue().equals(actual)) {
        differences.add(
            wanted.getKey()
                + " is "
                + actual
                + ", the code wants "
                + wanted.getValue()
                + " (not altered)");
      }
    }
    return differences.isEmpty()
        ? new TopicResult(
            spec.name(), TopicResult.Action.UNCHANGED, partitions + " partitions, as wanted")
        : new TopicResult(spec.name(), TopicResult.Action.WARNING, String.join("; ", differences));
  }

  private void awaitLeaders(Set<String> names) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try {
        Map<String, TopicDescription> described =
            get(admin.describeTopics(names).allTopicNames(), "describe topics");
        boolean ready =
            described.values().stream()
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

  /** Waits for an admin call; a failure is an IllegalStateException whose cause is Kafka's. */
  private static <T> T get(KafkaFuture<T> future, String call) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(call + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(call + ": no answer after " + TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(call + ": interrupted", e);
    }
  }
}
