package dev.signet.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the conformance vectors live: {@code conformance/} on the test classpath, copied from the
 * team's shared vectors into {@code core/src/test/resources/conformance} (its README says from
 * where), so the tests need nothing beside the repository. A missing directory fails the test run:
 * the vectors are the point of these tests, so skipping them would hide a broken setup.
 */
public final class Conformance {

  private static final String ROOT = "conformance";

  private Conformance() {}

  public static Path dir() {
    URL url = Conformance.class.getClassLoader().getResource(ROOT + "/README.md");
    if (url == null) {
      throw new AssertionError(
          ROOT + "/README.md is not on the test classpath (core/src/test/resources/conformance)");
    }
    if (!"file".equals(url.getProtocol())) {
      // The tests list directories, which a jar on the classpath cannot offer through Path.of.
      throw new AssertionError(
          "conformance vectors must be plain files on the test classpath, found " + url);
    }
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new AssertionError("cannot locate the conformance vectors from " + url, e);
    }
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
