package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.config.Env;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The topics commands' options, checked before any broker is asked. */
class TopicsCommandTest {

  private record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        SignetCli.commandLine(new PrintWriter(out), new PrintWriter(err), Env.of(env))
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void shouldAskForABootstrapWhenSpKafkaBootstrapIsUnset() {
    Run run = run(Map.of(), "topics", "apply", "--dry-run");

    assertThat(run.exit()).isEqualTo(SignetCli.ERROR);
    assertThat(run.err()).contains("--bootstrap is required when SP_KAFKA_BOOTSTRAP is not set");
  }

  @Test
  void shouldRefuseMoreInsyncReplicasThanReplicasBeforeConnecting() {
    Run run =
        run(
            Map.of("SP_KAFKA_BOOTSTRAP", "127.0.0.1:1"),
            "topics",
            "apply",
            "--replication-factor",
            "1",
            "--min-insync-replicas",
            "2");

    assertThat(run.exit()).isEqualTo(SignetCli.ERROR);
    assertThat(run.err()).contains("min.insync.replicas must be between 1 and");
  }

  @Test
  void shouldRefuseAClusterNameKubernetesWouldReject() {
    Run run = run(Map.of(), "topics", "strimzi", "--cluster", "My_Cluster");

    assertThat(run.exit()).isEqualTo(SignetCli.ERROR);
    assertThat(run.err()).contains("--cluster must be a Kubernetes resource name");
  }

  @Test
  void shouldLabelStrimziTopicsWithTheClusterAndUseTheLayout() {
    Run run =
        run(
            Map.of(),
            "topics",
            "strimzi",
            "--partitions",
            "6",
            "--replicas",
            "2",
            "--cluster",
            "kc");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("strimzi.io/cluster: kc")
        .contains("partitions: 6")
        .contains("replicas: 2")
        .contains("min.insync.replicas: \"1\"")
        .doesNotContain("partitions: 12");
  }
}
