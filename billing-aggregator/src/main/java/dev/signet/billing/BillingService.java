package dev.signet.billing;

import dev.signet.core.crypto.ReceiptMac;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running billing aggregator: {@link #start} builds the topology and starts Kafka Streams,
 * {@link #close} stops it. Used by {@link BillingApp} and by a launcher that runs the whole
 * pipeline in one JVM.
 *
 * <p>A stream thread that dies shuts the whole client down (state {@code ERROR}) rather than being
 * replaced: a failure that repeats on the same record would otherwise loop, and a stopped billing
 * service is visible to {@link #state()}, health checks and the process exit code.
 */
public final class BillingService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BillingService.class);

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final CountDownLatch terminated = new CountDownLatch(1);

  private BillingService(KafkaStreams streams) {
    this.streams = streams;
  }

  /** As {@link #start(BillingConfig, MeterRegistry)}, counting into the global registry. */
  public static BillingService start(BillingConfig config) {
    return start(config, Metrics.globalRegistry);
  }

  /** Starts the aggregator; returns at once, while Streams joins its group in the background. */
  public static BillingService start(BillingConfig config, MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    BillingTopology topology = new BillingTopology(config.grace(), new ReceiptMac(config.serverSecret()), registry);
    KafkaStreams streams = new KafkaStreams(topology.build(), config.streamsProperties());
    BillingService service = new BillingService(streams);
    streams.setStateListener(service::onStateChange);
    streams.setUncaughtExceptionHandler(error -> {
      log.error("billing stream thread failed; shutting the billing aggregator down", error);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    try {
      streams.start();
    } catch (RuntimeException e) {
      streams.close(CLOSE_TIMEOUT);
      throw new IllegalStateException("cannot start the billing aggregator " + config.applicationId(), e);
    }
    log.info("billing aggregator {} started against {}", config.applicationId(), config.bootstrapServers());
    return service;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The underlying client, for metrics binding and interactive queries; do not close it directly. */
  public KafkaStreams streams() {
    return streams;
  }

  /** Blocks until the client has stopped, by {@link #close} or after a fatal error; returns its final state. */
  public KafkaStreams.State awaitTermination() throws InterruptedException {
    terminated.await();
    return streams.state();
  }

  /** As {@link #awaitTermination()}, for at most {@code timeout}; returns whether it stopped. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops processing, committing what was processed; safe to call more than once. */
  @Override
  public void close() {
    if (!streams.close(CLOSE_TIMEOUT)) {
      log.warn("billing aggregator did not stop within {}", CLOSE_TIMEOUT);
    }
  }

  private void onStateChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
    log.info("billing aggregator {} -> {}", oldState, newState);
    if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
      terminated.countDown();
    }
  }
}
