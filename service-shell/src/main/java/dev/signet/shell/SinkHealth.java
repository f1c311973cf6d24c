package dev.signet.shell;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Health of a consumer loop such as the receipt sink, registered once it has started: ready and
 * live while it runs; once it has stopped it never resumes, so stopped is failed. Further facts
 * (e.g. lag) are added with {@link #withDetail}.
 */
public final class SinkHealth implements HealthCheck {

  private final BooleanSupplier running;

  private SinkHealth(BooleanSupplier running) {
    this.running = running;
  }

  /**
   * @param running whether the loop still runs, e.g. {@code sink::isRunning}
   */
  public static SinkHealth of(BooleanSupplier running) {
    return new SinkHealth(Objects.requireNonNull(running, "running"));
  }

  @Override
  public Health check() {
    return running.getAsBoolean() ? Health.ready("RUNNING") : Health.failed("STOPPED");
  }
}
