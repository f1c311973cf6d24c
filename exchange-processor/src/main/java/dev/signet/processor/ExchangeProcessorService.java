package dev.signet.processor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the exchange topology; used by the service's main and by the local launcher. */
public final class ExchangeProcessorService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExchangeProcessorService.class);

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics metrics;
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);

  public ExchangeProcessorService(ProcessorConfig config, MeterRegistry meters) {
    ExchangeTopology topology = new ExchangeTopology(
        new ExchangeTopology.Settings(config.apiKeys(), config.signingKey(), config.serverSecret(), config.limits(),
            config.idempotencyRetention(), RequestPartitions.count(config)),
        meters);
    this.streams = new KafkaStreams(topology.build(), config.streamsProperties());
    this.streams.setUncaughtExceptionHandler(
        exception -> {
          LOG.error("exchange processor stream thread died; replacing it", exception);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    this.streams.setStateListener((next, previous) -> {
      if (next == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
      if (next == KafkaStreams.State.ERROR || next.hasCompletedShutdown()) {
        // Wake whoever waits for RUNNING too: it will not come.
        running.countDown();
        stopped.countDown();
      }
    });
    this.metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(meters);
  }

  public ExchangeProcessorService start() {
    streams.start();
    return this;
  }

  /** Blocks until every task is assigned and restored, so the first request is not kept waiting. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    // Once RUNNING, a later rebalance does not make the processor less ready; only failing does.
    return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && stopped.getCount() > 0;
  }

  /** Blocks until the processor stopped for good (closed or failed); returns its final state. */
  public KafkaStreams.State awaitTermination() throws InterruptedException {
    stopped.await();
    return streams.state();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
    metrics.close();
  }
}
