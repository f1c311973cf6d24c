package dev.signet.launcher.bench;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Samples local mode's memory twice a second on a daemon thread and keeps the peak since the last
 * {@link #reset}, so that each measured phase reports its memory at load rather than at rest.
 */
final class MemorySampler implements AutoCloseable {

  private static final long PERIOD_MILLIS = 500;

  private final ProcessResources resources;
  private final AtomicReference<ProcessResources.Memory> peak;
  private final Thread thread;

  MemorySampler(ProcessResources resources) {
    this.resources = resources;
    this.peak = new AtomicReference<>(resources.memory());
    this.thread = new Thread(this::run, "bench-memory");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        sample();
        Thread.sleep(PERIOD_MILLIS);
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  private void sample() {
    ProcessResources.Memory now = resources.memory();
    peak.accumulateAndGet(now, ProcessResources.Memory::max);
  }

  /** Starts a new peak from the current sample. */
  void reset() {
    peak.set(resources.memory());
  }

  /** The peak since the last reset, including a sample taken now. */
  ProcessResources.Memory peak() {
    sample();
    return peak.get();
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
