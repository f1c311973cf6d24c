package dev.signet.cli;

import dev.signet.cli.topics.StrimziTopics;
import dev.signet.cli.topics.TopicLayout;
import dev.signet.cli.topics.TopicSpec;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code signet topics strimzi}: prints Strimzi {@code KafkaTopic} resources for the code's topic
 * table; {@code k8s/strimzi/kafka-topics.yaml} is its output, checked for drift by a test.
 */
@Command(
    name = "strimzi",
    description =
        "Print Strimzi KafkaTopic resources (YAML) for every Signet topic, from the code's table.")
final class TopicsStrimziCommand implements Callable<Integer> {

  private static final Pattern KUBERNETES_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

  @Mixin HelpOption helpOption;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "12",
      description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--replicas",
      paramLabel = "R",
      defaultValue = "3",
      description = "Replicas of every topic (default: ${DEFAULT-VALUE}).")
  short replicas;

  @Option(
      names = "--min-insync-replicas",
      paramLabel = "M",
      description = "min.insync.replicas of every topic (default: 2, or 1 below 3 replicas).")
  Integer minInsyncReplicas;

  @Option(
      names = "--cluster",
      paramLabel = "NAME",
      defaultValue = "signet",
      description = "The Strimzi Kafka resource's name (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (!KUBERNETES_NAME.matcher(cluster).matches()) {
      throw new ParameterException(
          spec.commandLine(), "--cluster must be a Kubernetes resource name, got " + cluster);
    }
    TopicLayout layout = TopicsApplyCommand.layout(spec, partitions, replicas, minInsyncReplicas);
    String command =
        "signet topics strimzi --partitions "
            + layout.partitions()
            + " --replicas "
            + layout.replicationFactor()
            + " --min-insync-replicas "
            + layout.minInsyncReplicas().getAsInt()
            + " --cluster "
            + cluster;
    List<String> header =
        List.of(
            "Strimzi KafkaTopic resources for every Signet topic. Generated from the code's topic",
            "table (core: Topics) by:",
            "  " + command,
            "Do not edit: change the table, run that command again (> this file), and commit.",
            "Apply in the namespace the Topic Operator watches: kubectl apply -n kafka -f <this file>");
    spec.commandLine().getOut().print(StrimziTopics.yaml(TopicSpec.all(layout), cluster, header));
    spec.commandLine().getOut().flush();
    return SignetCli.OK;
  }
}
