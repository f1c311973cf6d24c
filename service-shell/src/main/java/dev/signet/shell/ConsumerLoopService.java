package dev.signet.shell;

import java.time.Duration;
import java.util.Objects;

/**
 * A {@link ConsumerLoop} as a {@link Service}, for a worker with nothing to add to the loop's own
 * life (the repair worker): running while the loop runs, ready as soon as it is (a worker needs no
 * warm-up), failed when the loop failed.
 */
public final class ConsumerLoopService implements Service {

  private final ConsumerLoop loop;

  public ConsumerLoopService(ConsumerLoop loop) {
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  @Override
  public ConsumerLoopService start() {
    loop.start();
    return this;
  }

  @Override
  public boolean awaitRunning(Duration timeout) {
    return loop.isRunning();
  }

  @Override
  public Termination awaitTermination() throws InterruptedException {
    return loop.awaitTermination();
  }

  @Override
  public HealthCheck health() {
    return SinkHealth.of(loop::isRunning);
  }

  @Override
  public void close() {
    loop.close();
  }
}
