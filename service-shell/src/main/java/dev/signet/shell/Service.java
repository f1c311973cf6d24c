package dev.signet.shell;

import java.time.Duration;

/**
 * The shape every Signet service without a web server has (the exchange processor and billing
 * aggregator, each a {@link StreamsService}, and the receipt store's sink): start, wait until it
 * works, wait until it stops, say how it is, close. {@link ServiceShell} runs one as a process; the
 * launcher's local mode runs several in one JVM.
 */
public interface Service extends AutoCloseable {

  /** How a service stopped: closed on request, or failed so that only a restart helps. */
  enum Termination {
    STOPPED,
    FAILED
  }

  /** Starts the work in the background and returns; at most once. */
  Service start();

  /**
   * Blocks until the service does its work (true), fails or stops, or {@code timeout} passes
   * (false).
   */
  boolean awaitRunning(Duration timeout) throws InterruptedException;

  /** Blocks until the service stopped for good, by {@link #close} or a failure. */
  Termination awaitTermination() throws InterruptedException;

  /** Its health, asked on every {@code /healthz} request; answers at once, without I/O. */
  HealthCheck health();

  /** Stops the work, keeping what was done; safe to call more than once. */
  @Override
  void close();
}
