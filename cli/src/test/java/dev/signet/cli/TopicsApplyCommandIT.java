package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.config.Env;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** {@code signet topics apply} against a real KRaft broker, a fresh one (no topics) per test. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TopicsApplyCommandIT {

  private static final Set<String> ALL =
      Topics.all().stream().map(Topic::name).collect(Collectors.toSet());

  private EmbeddedKafkaKraftBroker kafka;
  private String bootstrap;
  private Admin admin;

  private record Run(int exit, String out, String err) {}

  @BeforeEach
  void startBroker() {
    kafka = new EmbeddedKafkaKraftBroker(1, 1);
    kafka.afterPropertiesSet();
    // The test kit names its listener "localhost"; connect by address: loopback only.
    bootstrap = kafka.getBrokersAsString().replace("localhost", "127.0.0.1");
    admin =
        Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  @AfterEach
  void stopBroker() {
    admin.close();
    kafka.destroy();
  }

  /** Runs the command with SP_KAFKA_BOOTSTRAP set, as compose and the Job do. */
  private Run apply(String... options) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] args = new String[options.length + 2];
    args[0] = "topics";
    args[1] = "apply";
    System.arraycopy(options, 0, args, 2, options.length);
    int exit =
        SignetCli.commandLine(
                new PrintWriter(out),
                new PrintWriter(err),
                Env.of(Map.of("SP_KAFKA_BOOTSTRAP", bootstrap)))
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Set<String> signetTopics() throws Exception {
    return admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
        .filter(name -> name.startsWith("signet."))
        .collect(Collectors.toSet());
  }

  private Config configOf(String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
  }

  @Test
  void shouldCreateEveryTopicOfTheTableWithItsPartitionsAndConfigs() throws Exception {
    Run run = apply("--partitions", "3", "--replication-factor", "1");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(signetTopics()).isEqualTo(ALL);
    Map<String, TopicDescription> described =
        admin.describeTopics(ALL).allTopicNames().get(10, TimeUnit.SECONDS);
    assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
    assertThat(configOf(Topics.BILLING_PERIOD_TOTALS.name()).get("cleanup.policy").value())
        .isEqualTo("compact");
    assertThat(configOf(Topics.BILLING_RESERVED_CONFIG_AUDIT.name()).get("retention.ms").value())
        .isEqualTo("-1");
    assertThat(configOf(Topics.RECEIPTS.name()).get("cleanup.policy").value()).isEqualTo("delete");
    assertThat(configOf(Topics.RECEIPTS.name()).get("min.insync.replicas").value()).isEqualTo("1");
    assertThat(run.out()).contains(ALL.size() + " created, 0 missing, 0 unchanged");
  }

  @Test
  void shouldCreateNothingTheSecondTime() throws Exception {
    assertThat(apply("--partitions", "3", "--replication-factor", "1").exit()).isZero();

    Run again = apply("--partitions", "3", "--replication-factor", "1");

    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out())
        .contains("0 created, 0 missing, " + ALL.size() + " unchanged, 0 warning(s), 0 error(s)");
    assertThat(signetTopics()).isEqualTo(ALL);
  }

  @Test
  void shouldReportAPartitionMismatchOfARequestTopicAndCreateNothing() throws Exception {
    String outcomes = Topics.EXCHANGE_REPAIR_OUTCOMES.name();
    admin
        .createTopics(List.of(new NewTopic(outcomes, 2, (short) 1)))
        .all()
        .get(10, TimeUnit.SECONDS);

    Run run = apply("--partitions", "3", "--replication-factor", "1");

    assertThat(run.exit()).isEqualTo(SignetCli.INVALID);
    assertThat(run.out())
        .containsPattern(
            "ERROR +" + outcomes.replace(".", "\\.") + " +has 2 partitions, 3 requested")
        .contains("nothing created");
    assertThat(signetTopics()).containsExactly(outcomes);
  }

  @Test
  void shouldOnlyWarnWhenAnotherTopicHasOtherPartitionsAndLeaveItAsItIs() throws Exception {
    String receipts = Topics.RECEIPTS.name();
    admin
        .createTopics(List.of(new NewTopic(receipts, 2, (short) 1)))
        .all()
        .get(10, TimeUnit.SECONDS);

    Run run = apply("--partitions", "3", "--replication-factor", "1");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("warning +" + receipts.replace(".", "\\.") + " +has 2 partitions");
    assertThat(signetTopics()).isEqualTo(ALL);
    assertThat(
            admin
                .describeTopics(List.of(receipts))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(receipts)
                .partitions())
        .hasSize(2);
  }

  @Test
  void shouldCreateNothingOnADryRun() throws Exception {
    Run run = apply("--partitions", "3", "--replication-factor", "1", "--dry-run");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("would-create")
        .contains("0 created, " + ALL.size() + " missing")
        .contains("dry run, nothing created");
    assertThat(signetTopics()).isEmpty();
  }

  @Test
  void shouldFailWithExitTwoWhenTheBrokerRefusesTheReplication() throws Exception {
    Run run = apply("--partitions", "3", "--replication-factor", "2");

    assertThat(run.exit()).isEqualTo(SignetCli.ERROR);
    assertThat(run.err())
        .contains("signet: topics at " + bootstrap)
        .containsIgnoringCase("replication");
  }

  @Test
  void shouldRunFromTheRunnableJarWithoutKafkasCompressionLibraries() throws Exception {
    // The shaded jar leaves zstd, lz4 and snappy out (the admin client never compresses); the
    // jar is built in the package phase, before failsafe runs this.
    Path jar = Path.of("target", "signet-cli.jar");
    assertThat(jar).exists();
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "topics",
                "apply",
                "--bootstrap",
                bootstrap,
                "--partitions",
                "1",
                "--replication-factor",
                "1")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains(ALL.size() + " created");
    assertThat(signetTopics()).isEqualTo(ALL);
  }
}
