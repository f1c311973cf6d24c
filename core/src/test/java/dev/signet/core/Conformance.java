package dev.signet.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the shared conformance vectors live: the {@code signet.conformance.dir} system property
 * that the root surefire configuration sets. A missing directory fails the test run: the
 * vectors are the point of these tests, so skipping them would hide a broken setup.
 */
public final class Conformance {

  public static final String PROPERTY = "signet.conformance.dir";

  private Conformance() {}

  public static Path dir() {
    String configured = System.getProperty(PROPERTY);
    if (configured == null || configured.isBlank()) {
      throw new AssertionError("system property " + PROPERTY + " is not set (run through Maven surefire)");
    }
    Path dir = Path.of(configured).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new AssertionError(PROPERTY + " points at " + dir + ", which is not a directory");
    }
    return dir;
  }

  public static Path file(String relative) {
    Path file = dir().resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("conformance file missing: " + file);
    }
    return file;
  }

  /** The files of a conformance sub-directory with the given suffix, sorted by name. */
  public static List<Path> files(String relativeDir, String suffix) {
    Path sub = dir().resolve(relativeDir);
    if (!Files.isDirectory(sub)) {
      throw new AssertionError("conformance directory missing: " + sub);
    }
    try (Stream<Path> listing = Files.list(sub)) {
      return listing.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + sub, e);
    }
  }

  public static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
