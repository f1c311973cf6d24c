package dev.signet.processor;

import dev.signet.core.topic.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/** The partition count of the requests topic, read once at start: the basis of trace routing. */
final class RequestPartitions {

  private RequestPartitions() {}

  static int count(ProcessorConfig config) {
    String topic = Topics.EXCHANGE_REQUESTS.name();
    try (Admin admin =
        Admin.create(config.kafkaClient().clientConfig(config.bootstrapServers(), Map.of()))) {
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      return description.partitions().size();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot read the partition count of "
              + topic
              + " from "
              + config.bootstrapServers()
              + " (create the topics first)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while reading the partition count of " + topic, e);
    }
  }
}
