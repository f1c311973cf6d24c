package dev.signet.core.topic;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Gives the topics an embedded broker created by name the configs of the code's table (the requests
 * topic's broker-stamped record time above all), as {@code signet topics apply} creates them.
 */
public final class TopicConfigs {

  private TopicConfigs() {}

  public static void apply(String bootstrapServers) {
    Map<ConfigResource, Collection<AlterConfigOp>> changes =
        Topics.all().stream()
            .filter(topic -> !topic.configs().isEmpty())
            .collect(
                Collectors.toMap(
                    topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic.name()),
                    TopicConfigs::operations));
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin.incrementalAlterConfigs(changes).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not configure the topics", e);
    }
  }

  private static List<AlterConfigOp> operations(Topic<?, ?> topic) {
    return topic.configs().entrySet().stream()
        .map(
            config ->
                new AlterConfigOp(
                    new ConfigEntry(config.getKey(), config.getValue()), AlterConfigOp.OpType.SET))
        .toList();
  }
}
