package dev.signet.launcher.chaos;

import dev.signet.launcher.SignetLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * One Signet command in a JVM of its own ({@code signet <command>}), with its environment and a log
 * file per start under the run directory. It can be killed with SIGKILL (nothing closes, nothing
 * commits), stopped with SIGTERM (shutdown hooks run) and started again with the same environment:
 * the same state directory and instance id, as an orchestrator would restart it.
 */
final class ChildJvm {

  private static final long STOP_WAIT_SECONDS = 60;

  private final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path logDir;
  private Process process;
  private int starts;
  private volatile boolean expectedDown;

  ChildJvm(String name, List<String> arguments, Map<String, String> env, Path logDir) {
    this.name = name;
    this.command = launcherCommand(arguments);
    this.env = Map.copyOf(env);
    this.logDir = logDir;
  }

  String name() {
    return name;
  }

  synchronized void start() {
    starts++;
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> childEnv = builder.environment();
    childEnv.keySet().removeIf(variable -> variable.startsWith("SP_"));
    childEnv.putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(logDir.resolve(name + "-" + starts + ".log").toFile());
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    expectedDown = false;
  }

  /** SIGKILL and wait until the process is gone. */
  synchronized void kill() {
    expectedDown = true;
    process.destroyForcibly();
    awaitExit();
  }

  /** SIGTERM (shutdown hooks run) and wait until the process is gone. */
  synchronized void stop() {
    expectedDown = true;
    if (process == null) {
      return;
    }
    process.destroy();
    if (!awaitExit()) {
      process.destroyForcibly();
      awaitExit();
    }
  }

  /** True if the process ended without being told to: the supervisor restarts it. */
  synchronized boolean exitedOnItsOwn() {
    return process != null && !expectedDown && !process.isAlive();
  }

  synchronized int exitCode() {
    return process.exitValue();
  }

  int starts() {
    return starts;
  }

  private boolean awaitExit() {
    try {
      return process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping " + name, e);
    }
  }

  /**
   * {@code java … signet <arguments>}: through the executable jar when this JVM runs from it (the
   * {@code ./signet} script), else through the class path (tests, IDE; under Maven a single
   * manifest-only jar whose manifest carries the class path, which {@code -cp} follows too).
   */
  static List<String> launcherCommand(List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Many small JVMs on a shared machine: a small heap and quick start matter more than peak
    // speed.
    command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    String classPath = System.getProperty("java.class.path");
    if (isExecutableJar(classPath)) {
      command.addAll(List.of("-jar", classPath));
    } else {
      command.addAll(List.of("-cp", classPath, SignetLauncher.class.getName()));
    }
    command.addAll(arguments);
    return command;
  }

  /** A single jar that Spring Boot repackaged (it names the class it starts). */
  private static boolean isExecutableJar(String classPath) {
    if (!classPath.endsWith(".jar") || classPath.contains(java.io.File.pathSeparator)) {
      return false;
    }
    try (JarFile jar = new JarFile(classPath)) {
      Manifest manifest = jar.getManifest();
      return manifest != null && manifest.getMainAttributes().getValue("Start-Class") != null;
    } catch (IOException e) {
      return false;
    }
  }
}
