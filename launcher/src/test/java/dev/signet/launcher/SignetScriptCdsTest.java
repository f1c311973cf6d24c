package dev.signet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code signet} script's class-data sharing: which archive it records or uses, and that a
 * rebuilt jar, an unfinished run or a broken archive never leads to a stale or bad one. The script
 * runs for real in a copy of the repository root whose {@code java} is a stand-in that prints the
 * command line it was given, so no JVM starts.
 */
class SignetScriptCdsTest {

  private static final Path SCRIPT = Path.of("..", "signet").toAbsolutePath().normalize();

  /**
   * Unpacks like {@code -Djarmode=tools … extract --destination DIR}, answers {@code -version}
   * (failing the archive check when FAKE_ARCHIVE_BAD is set, as a truncated archive does, and the
   * check for the JDK's own archive when FAKE_NO_BASE_ARCHIVE is set), and otherwise prints its
   * arguments, one per line, after a RUN line.
   */
  private static final String FAKE_JAVA =
      """
      #!/usr/bin/env bash
      args=" $* "
      if [[ $args == *" -Djarmode=tools "* ]]; then
        [ -n "${FAKE_EXTRACT_FAILS:-}" ] && exit 1
        dest="${@: -1}"
        mkdir -p "$dest/lib" && echo unpacked > "$dest/signet.jar"
        exit 0
      fi
      if [[ $args == *" -version "* ]]; then
        echo "$*" >> "$FAKE_JAVA_CHECKS"
        if [[ $args == *" -Xshare:on "* ]]; then
          [[ $args == *"SharedArchiveFile"* ]] && [ -n "${FAKE_ARCHIVE_BAD:-}" ] && exit 134
          [[ $args != *"SharedArchiveFile"* ]] && [ -n "${FAKE_NO_BASE_ARCHIVE:-}" ] && exit 1
        fi
        echo 'openjdk version "17-fake"' >&2
        exit 0
      fi
      echo RUN
      printf '%s\\n' "$@"
      """;

  private static final Pattern RECORD = Pattern.compile("(?m)^-XX:ArchiveClassesAtExit=(.+)$");
  private static final Pattern SHARE = Pattern.compile("(?m)^-XX:SharedArchiveFile=(.+)$");

  @TempDir Path root;
  private Path dataDir;
  private Path jar;
  private Path bin;

  @BeforeEach
  void copyTheScriptAndAJar() throws IOException {
    Files.copy(SCRIPT, root.resolve("signet"));
    jar = root.resolve("launcher/target/signet.jar");
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "build 1");
    dataDir = root.resolve("data");
    bin = Files.createDirectories(root.resolve("fake-bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, FAKE_JAVA);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void shouldRecordOnTheFirstRunAndShareOnceThatRunWasReady() throws Exception {
    String firstRun = signet(Map.of());
    Path recorded = recordedBy(firstRun);
    assertThat(recorded.toString()).startsWith(dataDir.resolve("cds") + "/");
    assertThat(firstRun).contains("-Dsignet.ready-file=" + recorded + ".ready");

    // what the launcher and the JVM leave behind after a run that reached a ready pipeline
    Files.writeString(recorded, "archive");
    Files.createFile(Path.of(recorded + ".ready"));
    String secondRun = signet(Map.of());

    Path shared = sharedBy(secondRun);
    assertThat(shared).exists().hasContent("archive");
    assertThat(secondRun).doesNotContain("ArchiveClassesAtExit");
    assertThat(secondRun).contains("-jar\n" + dataDir.resolve("cds"));
    assertThat(sharedBy(signet(Map.of()))).isEqualTo(shared);
  }

  @Test
  void shouldRecordAfreshUnderANewKeyWhenTheJarIsRebuilt() throws Exception {
    Path recorded = recordedBy(signet(Map.of()));
    Files.writeString(recorded, "archive of build 1");
    Files.createFile(Path.of(recorded + ".ready"));
    Path shared = sharedBy(signet(Map.of()));

    Files.writeString(jar, "build 2, a different jar");
    String afterRebuild = signet(Map.of());

    Path recordedAgain = recordedBy(afterRebuild);
    assertThat(recordedAgain.getParent()).isNotEqualTo(shared.getParent());
    assertThat(afterRebuild).doesNotContain("SharedArchiveFile");
    assertThat(shared).as("the old build's archive is removed").doesNotExist();
  }

  @Test
  void shouldDiscardAnArchiveWhoseRunNeverBecameReady() throws Exception {
    Path recorded = recordedBy(signet(Map.of()));
    Files.writeString(recorded, "archive of a run that failed at start");

    String next = signet(Map.of());

    assertThat(recordedBy(next)).isEqualTo(recorded);
    assertThat(next).doesNotContain("SharedArchiveFile");
    assertThat(recorded).as("removed before recording again").doesNotExist();
  }

  @Test
  void shouldDiscardAnArchiveThatFailsTheCheck() throws Exception {
    Path recorded = recordedBy(signet(Map.of()));
    Files.writeString(recorded, "truncated");
    Files.createFile(Path.of(recorded + ".ready"));

    String next = signet(Map.of("FAKE_ARCHIVE_BAD", "1"));

    assertThat(next).doesNotContain("SharedArchiveFile").contains("-XX:ArchiveClassesAtExit=");
    assertThat(Files.readString(root.resolve("checks.log")))
        .contains("-XX:+VerifySharedSpaces -XX:SharedArchiveFile=" + recorded);
  }

  @Test
  void shouldRunThePlainJarWhenCdsIsOffOrCannotWork() throws Exception {
    for (Map<String, String> env :
        List.of(
            Map.of("SP_CDS", "off"),
            Map.of("FAKE_EXTRACT_FAILS", "1"),
            Map.of("FAKE_NO_BASE_ARCHIVE", "1"))) {
      String run = signet(env);

      assertThat(run).doesNotContain("Archive").endsWith("-jar\n" + jar + "\nup\n");
    }
  }

  @Test
  void shouldLeaveTheOtherCommandsAlone() throws Exception {
    String run = signet(Map.of(), "verify", "x.json");

    assertThat(run).doesNotContain("Archive").endsWith("-jar\n" + jar + "\nverify\nx.json\n");
  }

  private String signet(Map<String, String> env) throws Exception {
    return signet(env, "up");
  }

  private String signet(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder builder = new ProcessBuilder();
    builder.command().add("bash");
    builder.command().add(root.resolve("signet").toString());
    builder.command().addAll(List.of(args));
    builder.environment().remove("JAVA_OPTS");
    builder.environment().remove("SP_CDS");
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    builder.environment().put("SP_DATA_DIR", dataDir.toString());
    builder.environment().put("FAKE_JAVA_CHECKS", root.resolve("checks.log").toString());
    builder.environment().putAll(env);
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    assertThat(out).startsWith("RUN\n");
    return out;
  }

  private static Path recordedBy(String run) {
    return pathIn(RECORD, run);
  }

  private static Path sharedBy(String run) {
    return pathIn(SHARE, run);
  }

  private static Path pathIn(Pattern flag, String run) {
    Matcher m = flag.matcher(run);
    assertThat(m.find()).as(run).isTrue();
    return Path.of(m.group(1));
  }
}
