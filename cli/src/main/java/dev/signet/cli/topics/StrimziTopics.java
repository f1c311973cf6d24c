package dev.signet.cli.topics;

import java.util.List;
import java.util.Map;

/**
 * Strimzi {@code KafkaTopic} resources for the same table {@link TopicApplier} applies, for
 * clusters whose topics the Topic Operator owns. No namespace: they go where the operator watches.
 */
public final class StrimziTopics {

  private StrimziTopics() {}

  /**
   * One YAML document per topic, after {@code header} (comment lines, each written with "# ").
   *
   * @param cluster the Strimzi {@code Kafka} resource's name ({@code strimzi.io/cluster} label)
   */
  public static String yaml(List<TopicSpec> specs, String cluster, List<String> header) {
    StringBuilder yaml = new StringBuilder();
    for (String line : header) {
      yaml.append(line.isEmpty() ? "#" : "# " + line).append('\n');
    }
    for (TopicSpec spec : specs) {
      yaml.append("---\n")
          .append("apiVersion: kafka.strimzi.io/v1beta2\n")
          .append("kind: KafkaTopic\n")
          .append("metadata:\n")
          .append("  name: ")
          .append(spec.name())
          .append('\n')
          .append("  labels:\n")
          .append("    strimzi.io/cluster: ")
          .append(cluster)
          .append('\n')
          .append("spec:\n")
          .append("  topicName: ")
          .append(spec.name())
          .append('\n')
          .append("  partitions: ")
          .append(spec.partitions())
          .append('\n')
          .append("  replicas: ")
          .append(spec.replicationFactor())
          .append('\n');
      if (!spec.configs().isEmpty()) {
        yaml.append("  config:\n");
        for (Map.Entry<String, String> config : spec.configs().entrySet()) {
          // Quoted: Strimzi takes strings for every config, and "-1" or "compact" stay as written.
          yaml.append("    ")
              .append(config.getKey())
              .append(": \"")
              .append(config.getValue())
              .append("\"\n");
        }
      }
    }
    return yaml.toString();
  }
}
