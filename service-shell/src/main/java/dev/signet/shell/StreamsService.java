package dev.signet.shell;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka Streams application as a {@link Service}: the exchange processor and the billing
 * aggregator. The client's metrics are bound to the registry given here, and only here.
 *
 * <p>A stream thread that dies shuts the whole client down (state {@code ERROR}) rather than being
 * replaced ({@code REPLACE_THREAD}). Under exactly-once, a replaced thread resumes from the last
 * committed offsets and meets the same records again: a failure that is deterministic (a record
 * that always throws, a production or commit error that always recurs) would loop forever while the
 * client reports {@code RUNNING}, and health checks would see nothing. Shut down, the client is
 * visibly {@code ERROR}: {@code /healthz/live} answers 503, the standalone process exits 1 and its
 * supervisor restarts it with back-off, which also cures the transient causes a replaced thread
 * would have. Records that can be skipped are skipped before this point (deserialization and
 * production handlers), so a dead thread means the service cannot go on safely.
 */
public final class StreamsService implements Service {

  private static final Logger log = LoggerFactory.getLogger(StreamsService.class);

  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final KafkaStreams streams;
  private final KafkaStreamsMetrics metrics;
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);

  /**
   * @param name shown in logs and errors, e.g. {@code exchange processor}
   * @param registry where the client's metrics are bound, until {@link #close}
   */
  public StreamsService(
      String name, Topology topology, Properties properties, MeterRegistry registry) {
    this.name = Objects.requireNonNull(name, "name");
    Objects.requireNonNull(registry, "registry");
    this.streams = new KafkaStreams(topology, properties);
    streams.setUncaughtExceptionHandler(
        error -> {
          log.error("{} stream thread failed; shutting the {} down", name, name, error);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(this::onStateChange);
    this.metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(registry);
  }

  /** Starts the client; returns at once, while it joins its group in the background. */
  @Override
  public StreamsService start() {
    try {
      streams.start();
    } catch (RuntimeException e) {
      close();
      throw new IllegalStateException("cannot start the " + name, e);
    }
    log.info("{} started", name);
    return this;
  }

  /** Blocks until every task is assigned and restored, so the first record is not kept waiting. */
  @Override
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    // Once RUNNING, a later rebalance does not make the service less ready; only failing does.
    return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && stopped.getCount() > 0;
  }

  @Override
  public Termination awaitTermination() throws InterruptedException {
    stopped.await();
    return streams.state() == KafkaStreams.State.ERROR ? Termination.FAILED : Termination.STOPPED;
  }

  /** As {@link #awaitTermination()}, for at most {@code timeout}; returns whether it stopped. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  @Override
  public HealthCheck health() {
    return StreamsHealth.of(this::state);
  }

  /** Stops processing, committing what was processed; safe to call more than once. */
  @Override
  public void close() {
    if (!streams.close(CLOSE_TIMEOUT)) {
      log.warn("{} did not stop within {}", name, CLOSE_TIMEOUT);
    }
    metrics.close();
  }

  private void onStateChange(KafkaStreams.State next, KafkaStreams.State previous) {
    log.info("{} {} -> {}", name, previous, next);
    if (next == KafkaStreams.State.RUNNING) {
      running.countDown();
    }
    if (next.hasCompletedShutdown()) {
      // Wake whoever waits for RUNNING too: it will not come.
      running.countDown();
      stopped.countDown();
    }
  }
}
