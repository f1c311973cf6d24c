package dev.signet.processor;

import dev.signet.core.crypto.SigningKey;
import dev.signet.shell.HealthCheck;
import dev.signet.shell.Service;
import dev.signet.shell.StreamsService;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Keeps a new signing key from re-signing what callers were already answered with. Callers read
 * replies before the commit (docs/receipts.md, "Replies before the commit"); after a crash the
 * records of the open transaction are processed again, and only the same key signs them the same.
 * So this refuses to start the processor's Streams application with another key than the one it
 * last ran with, unless that run stopped cleanly (Kafka Streams committed everything it had
 * processed). The record is a small file in the state directory: {@code kid}, the public key, and
 * whether the last run stopped cleanly. An operator who must change keys after a crash anyway (a
 * leaked key) deletes the file, accepting that answers given before the crash may name receipts
 * that were then signed again.
 */
final class SigningKeyGuard implements Service {

  static final String FILE_NAME = "signet-signing-key.properties";

  private final Service streams;
  private final BooleanSupplier stoppedCleanly;
  private final Path file;
  private final String kid;
  private final String publicKey;

  /** Guards the processor's Streams application, clean when closed to {@code NOT_RUNNING}. */
  static SigningKeyGuard of(StreamsService streams, Path stateDir, SigningKey key) {
    return new SigningKeyGuard(
        streams, () -> streams.state() == KafkaStreams.State.NOT_RUNNING, stateDir, key);
  }

  /**
   * @param stoppedCleanly asked after {@code streams} closed: whether everything it processed was
   *     committed
   */
  SigningKeyGuard(Service streams, BooleanSupplier stoppedCleanly, Path stateDir, SigningKey key) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.stoppedCleanly = Objects.requireNonNull(stoppedCleanly, "stoppedCleanly");
    this.file = stateDir.resolve(FILE_NAME);
    this.kid = key.kid();
    this.publicKey = key.publicKey().x();
  }

  @Override
  public Service start() {
    Properties last = read();
    if (last != null
        && !Boolean.parseBoolean(last.getProperty("clean"))
        && !publicKey.equals(last.getProperty("public_key"))) {
      throw new IllegalStateException(
          "the signing key changed (kid "
              + last.getProperty("kid")
              + " -> "
              + kid
              + ") after the processor last stopped without committing: callers may hold"
              + " replies signed with the old key for records it will process again. Start it"
              + " once with the old key and stop it cleanly (SIGTERM), then switch; or, to accept"
              + " that, delete "
              + file);
    }
    write(false);
    streams.start();
    return this;
  }

  @Override
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return streams.awaitRunning(timeout);
  }

  @Override
  public Termination awaitTermination() throws InterruptedException {
    return streams.awaitTermination();
  }

  @Override
  public HealthCheck health() {
    return streams.health();
  }

  /** Closes Streams (which commits) and records a clean stop only if it was one. */
  @Override
  public void close() {
    streams.close();
    if (stoppedCleanly.getAsBoolean() && Files.exists(file)) {
      write(true);
    }
  }

  private Properties read() {
    if (!Files.exists(file)) {
      return null;
    }
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return properties;
  }

  private void write(boolean clean) {
    Properties properties = new Properties();
    properties.setProperty("kid", kid);
    properties.setProperty("public_key", publicKey);
    properties.setProperty("clean", Boolean.toString(clean));
    try {
      Files.createDirectories(file.getParent());
      Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
      try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
        properties.store(out, "the signing key this processor last ran with (SigningKeyGuard)");
      }
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
