package dev.signet.launcher.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL (zonky) for local mode, over a persistent data directory, configured
 * durable ({@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on; zonky's
 * defaults are not), with small memory settings ({@value #SHARED_BUFFERS} shared buffers, {@value
 * #MAX_CONNECTIONS} connections) and listening on 127.0.0.1 only. The database {@value #DATABASE}
 * is created when missing.
 *
 * <p>The data directory is initialised on the first start only. If a previous local process was
 * killed, its postmaster survives as an orphan that still holds the directory; it is shut down
 * (smart shutdown, which is safe because its clients died with that process) before starting.
 */
public final class LocalPostgres implements AutoCloseable {

  public static final int DEFAULT_PORT = 5432;
  public static final String DATABASE = "signet";

  private static final String HOST = "127.0.0.1";
  private static final String USER = "postgres";

  /**
   * Connections from loopback are trusted (zonky's initdb uses {@code -A trust}); any password
   * works.
   */
  private static final String PASSWORD = "postgres";

  static final String SHARED_BUFFERS = "32MB";

  /**
   * The pools of one local pipeline hold 8 (receipt sink 1, ingress's queries 4, billing's ledger
   * 3); the rest is for migrations, the bench's probes, the CLI and a chaos run's restarts.
   */
  static final int MAX_CONNECTIONS = 30;

  private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
  private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

  private final Path dataDir;
  private final EmbeddedPostgres postgres;
  private boolean closed;

  /** Starts on {@link #DEFAULT_PORT}. */
  public LocalPostgres(Path dataDir) {
    this(dataDir, DEFAULT_PORT);
  }

  /**
   * Starts PostgreSQL over {@code dataDir} (created and initialised when empty, reopened otherwise)
   * and returns once it accepts connections and {@value #DATABASE} exists.
   *
   * @param port the port to listen on, or 0 for any free port (see {@link #port()})
   */
  public LocalPostgres(Path dataDir, int port) {
    Objects.requireNonNull(dataDir, "dataDir");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
    this.dataDir = dataDir.toAbsolutePath().normalize();
    long started = System.nanoTime();
    try {
      Files.createDirectories(this.dataDir);
      stopOrphanedPostmaster(this.dataDir);
      this.postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(this.dataDir)
              .setCleanDataDirectory(false)
              .setPort(port)
              .setPGStartupWait(STARTUP_WAIT)
              // zonky starts postgres with -F (fsync off) and synchronous_commit=off; these
              // -c settings come after -F on the command line, so they win.
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on")
              .setServerConfig("listen_addresses", HOST)
              // Small, so local mode (JVM + PostgreSQL) stays within 1 GiB: the shared buffers
              // count fully once touched (default 128MB); the OS page cache still caches the rest.
              .setServerConfig("shared_buffers", SHARED_BUFFERS)
              .setServerConfig("max_connections", Integer.toString(MAX_CONNECTIONS))
              .setServerConfig("work_mem", "2MB")
              .setServerConfig("maintenance_work_mem", "16MB")
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL over " + this.dataDir, e);
    }
    try {
      createDatabaseIfMissing();
    } catch (SQLException | RuntimeException e) {
      closeQuietly(postgres, e);
      throw new IllegalStateException("cannot create database " + DATABASE, e);
    }
    log.info(
        "Local PostgreSQL serving {} from {} after {} ms",
        jdbcUrl(),
        this.dataDir,
        (System.nanoTime() - started) / 1_000_000);
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/signet}, without credentials. */
  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  public String user() {
    return USER;
  }

  public String password() {
    return PASSWORD;
  }

  public int port() {
    return postgres.getPort();
  }

  public Path dataDirectory() {
    return dataDir;
  }

  /** Stops PostgreSQL (fast shutdown, which checkpoints) and waits; the data directory is kept. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long started = System.nanoTime();
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
    }
    log.info("Local PostgreSQL stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
  }

  private String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + port() + "/" + database;
  }

  private void createDatabaseIfMissing() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD)) {
      boolean exists;
      try (PreparedStatement q =
          c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        q.setString(1, DATABASE);
        try (ResultSet rs = q.executeQuery()) {
          exists = rs.next();
        }
      }
      if (!exists) {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE " + DATABASE);
        }
        log.info("Created database {}", DATABASE);
      }
    }
  }

  /**
   * If {@code postmaster.pid} in {@code dataDir} names a live postgres process serving this very
   * directory (left behind by a killed local process), asks it to shut down and waits for it.
   * Package-private for tests.
   */
  static void stopOrphanedPostmaster(Path dataDir) throws IOException {
    Optional<ProcessHandle> orphan = orphanedPostmaster(dataDir);
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle postmaster = orphan.get();
    log.warn("Stopping orphaned postmaster {} still serving {}", postmaster.pid(), dataDir);
    // SIGTERM = smart shutdown: refuse new connections, finish once the (dead) clients are gone.
    postmaster.destroy();
    try {
      postmaster.onExit().get(ORPHAN_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException(
          "orphaned postmaster "
              + postmaster.pid()
              + " of "
              + dataDir
              + " did not stop within "
              + ORPHAN_STOP_WAIT,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(
          "interrupted while stopping orphaned postmaster " + postmaster.pid(), e);
    } catch (ExecutionException e) {
      throw new IOException("cannot await orphaned postmaster " + postmaster.pid(), e);
    }
  }

  private static Optional<ProcessHandle> orphanedPostmaster(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    if (lines.size() < 2) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    // Line 2 is the data directory the postmaster serves; a reused pid will not match it.
    Path served = Path.of(lines.get(1).trim()).toAbsolutePath().normalize();
    if (!served.equals(dataDir)) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(cmd -> cmd.endsWith("postgres")).orElse(false));
  }

  private static void closeQuietly(EmbeddedPostgres postgres, Exception cause) {
    try {
      postgres.close();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }
}
