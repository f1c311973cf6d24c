package dev.signet.cli;

import dev.signet.cli.topics.ApplyReport;
import dev.signet.cli.topics.TopicApplier;
import dev.signet.cli.topics.TopicLayout;
import dev.signet.cli.topics.TopicResult;
import dev.signet.cli.topics.TopicSpec;
import dev.signet.core.config.Env;
import dev.signet.core.config.KafkaClientProperties;
import java.io.PrintWriter;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code signet topics apply}: creates every missing topic of the code's table with its configs and
 * checks the existing ones; never deletes, shrinks or alters a topic. Exit 0 when every topic
 * exists as wanted or with warnings only, 1 when a request-partitioned topic has another partition
 * count (then nothing is created), 2 on a usage or connection error.
 */
@Command(
    name = "apply",
    description = {
      "Create every missing Signet topic (partitions, replication, cleanup.policy, retention,"
          + " min.insync.replicas from the code's table) and check the existing ones.",
      "Never deletes, shrinks, grows or alters a topic: differences are reported. A request"
          + " topic (requests, repair and forward requests and outcomes) with another partition"
          + " count is an error, and then nothing is created: adding partitions moves traces."
    },
    footer = {
      "",
      "Exit codes: 0 topics as wanted (warnings allowed), 1 partition count mismatch,"
          + " 2 usage or connection error."
    })
final class TopicsApplyCommand implements Callable<Integer> {

  static final String ENV_BOOTSTRAP = "SP_KAFKA_BOOTSTRAP";

  @Mixin HelpOption helpOption;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: SP_KAFKA_BOOTSTRAP).")
  String bootstrap;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "12",
      description =
          "Partitions of every topic; fixed once traces flow (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--replication-factor",
      paramLabel = "R",
      defaultValue = "3",
      description = "Replicas of every new topic (default: ${DEFAULT-VALUE}).")
  short replicationFactor;

  @Option(
      names = "--min-insync-replicas",
      paramLabel = "M",
      description = "min.insync.replicas of every new topic (default: 2, or 1 below 3 replicas).")
  Integer minInsyncReplicas;

  @Option(names = "--dry-run", description = "Check and report, create nothing.")
  boolean dryRun;

  @Spec CommandSpec spec;

  private final Env env;

  TopicsApplyCommand(Env env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    String servers = bootstrap != null ? bootstrap : env.optional(ENV_BOOTSTRAP);
    if (servers == null || servers.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "--bootstrap is required when " + ENV_BOOTSTRAP + " is not set");
    }
    TopicLayout layout = layout(spec, partitions, replicationFactor, minInsyncReplicas);
    ApplyReport report;
    try (Admin admin =
        TopicApplier.connect(
            servers, KafkaClientProperties.fromEnvironment(env), "signet-topics-apply")) {
      report = new TopicApplier(admin).apply(TopicSpec.all(layout), dryRun);
    } catch (IllegalStateException | KafkaException e) {
      throw new CliException("topics at " + servers + ": " + e.getMessage(), e);
    }
    print(spec.commandLine().getOut(), servers, report);
    return report.hasErrors() ? SignetCli.INVALID : SignetCli.OK;
  }

  /** The layout of the options, or a usage error naming what is wrong with them. */
  static TopicLayout layout(
      CommandSpec spec, int partitions, short replicationFactor, Integer minInsyncReplicas) {
    try {
      return new TopicLayout(
          partitions,
          replicationFactor,
          OptionalInt.of(
              minInsyncReplicas != null
                  ? minInsyncReplicas
                  : TopicLayout.defaultMinInsyncReplicas(replicationFactor)));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  static void print(PrintWriter out, String servers, ApplyReport report) {
    for (TopicResult result : report.results()) {
      out.printf(
          "%-12s %-40s %s%n",
          label(result.action(), report.dryRun()), result.topic(), result.detail());
    }
    String summary =
        report.created().size()
            + " created, "
            + report.count(TopicResult.Action.MISSING)
            + " missing, "
            + report.count(TopicResult.Action.UNCHANGED)
            + " unchanged, "
            + report.count(TopicResult.Action.WARNING)
            + " warning(s), "
            + report.count(TopicResult.Action.ERROR)
            + " error(s)";
    String outcome =
        report.hasErrors()
            ? " — nothing created: fix the partition count first"
            : report.dryRun() ? " — dry run, nothing created" : "";
    out.println("topics apply at " + servers + ": " + summary + outcome);
    out.flush();
  }

  private static String label(TopicResult.Action action, boolean dryRun) {
    return switch (action) {
      case UNCHANGED -> "ok";
      case CREATED -> "created";
      case MISSING -> dryRun ? "would-create" : "missing";
      case WARNING -> "warning";
      case ERROR -> "ERROR";
    };
  }
}
