package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.config.Env;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Topics are defined once, in the code's table: the committed Strimzi resources are that table's
 * output, and the deployment files run {@code signet topics apply} instead of listing topics.
 */
class TopicDefinitionsTest {

  /** The repository root: surefire runs in the module directory. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static final Path STRIMZI = ROOT.resolve("k8s/strimzi/kafka-topics.yaml");
  private static final Pattern GENERATED_BY =
      Pattern.compile("(?m)^#\\s+signet (topics strimzi .*)$");
  private static final Pattern TOPIC_NAME =
      Pattern.compile("signet\\.[a-z0-9-]+(\\.[a-z0-9-]+)*\\.v\\d+");

  private static final Set<String> TABLE =
      Topics.all().stream().map(Topic::name).collect(Collectors.toSet());

  @Test
  void shouldKeepTheCommittedStrimziTopicsEqualToTheTable() throws IOException {
    String committed = Files.readString(STRIMZI, StandardCharsets.UTF_8);
    Matcher command = GENERATED_BY.matcher(committed);
    assertThat(command.find()).as("%s names the command that generated it", STRIMZI).isTrue();

    String regenerated = run(command.group(1).strip().split("\\s+"));

    assertThat(committed)
        .as(
            "%s is out of date with the code's topic table; refresh it with:%n"
                + "  ./signet %s > k8s/strimzi/kafka-topics.yaml",
            ROOT.relativize(STRIMZI), command.group(1).strip())
        .isEqualTo(regenerated);
  }

  @Test
  void shouldDeclareEveryTopicOfTheTableAsAStrimziResource() throws IOException {
    String committed = Files.readString(STRIMZI, StandardCharsets.UTF_8);

    assertThat(
            committed
                .lines()
                .filter(line -> line.startsWith("  topicName: "))
                .map(line -> line.substring("  topicName: ".length())))
        .containsExactlyElementsOf(Topics.all().stream().map(Topic::name).toList());
  }

  @Test
  void shouldLetComposeAndTheKubernetesJobRunTopicsApplyInsteadOfAList() throws IOException {
    for (Path file :
        List.of(ROOT.resolve("docker-compose.yml"), ROOT.resolve("k8s/base/topics-job.yaml"))) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(text).as("%s", file).doesNotContain("kafka-topics.sh");
      assertThat(text).as("%s", file).containsPattern("\"topics\",\\s*\"apply\"");
    }
  }

  @Test
  void shouldNameOnlyTopicsOfTheTableInTheDeploymentFiles() throws IOException {
    List<Path> files;
    try (Stream<Path> k8s = Files.walk(ROOT.resolve("k8s"))) {
      files =
          Stream.concat(
                  k8s.filter(p -> p.toString().endsWith(".yaml")),
                  Stream.of(ROOT.resolve("docker-compose.yml"), ROOT.resolve("fly.toml")))
              .toList();
    }
    for (Path file : files) {
      Matcher names = TOPIC_NAME.matcher(Files.readString(file, StandardCharsets.UTF_8));
      while (names.find()) {
        assertThat(TABLE).as("topic %s named in %s", names.group(), file).contains(names.group());
      }
    }
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        SignetCli.commandLine(new PrintWriter(out), new PrintWriter(err), Env.of(Map.of()))
            .execute(args);
    assertThat(exit).as("signet %s: %s", Arrays.toString(args), err).isZero();
    return out.toString();
  }
}
