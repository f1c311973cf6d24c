package dev.signet.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells whoever started this JVM that the local pipeline came up: when the system property {@value
 * #PROPERTY} names a file, it is created once the pipeline is ready. The {@code signet} script uses
 * it to keep a class-data sharing archive only from a run that got that far (an archive written by
 * a run that failed early would hold too few classes to help).
 */
public final class ReadyFile {

  public static final String PROPERTY = "signet.ready-file";

  private ReadyFile() {}

  /** Creates the file the property names, if any; an existing file is left as it is. */
  public static void markReady() {
    String file = System.getProperty(PROPERTY);
    if (file == null || file.isBlank()) {
      return;
    }
    Path path = Path.of(file);
    try {
      if (!Files.exists(path)) {
        Files.createFile(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the ready file " + path, e);
    }
  }
}
