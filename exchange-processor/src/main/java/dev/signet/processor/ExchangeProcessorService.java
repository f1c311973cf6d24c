package dev.signet.processor;

import dev.signet.core.receipt.ReceiptIssuer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the exchange topology; used by the service's main and by the local launcher. */
public final class ExchangeProcessorService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExchangeProcessorService.class);

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics metrics;

  public ExchangeProcessorService(ProcessorConfig config, MeterRegistry meters) {
    ExchangeTopology topology =
        new ExchangeTopology(config.apiKeys(), new ReceiptIssuer(config.signingKey()), config.idempotencyRetention(), meters);
    this.streams = new KafkaStreams(topology.build(), config.streamsProperties());
    this.streams.setUncaughtExceptionHandler(
        exception -> {
          LOG.error("exchange processor stream thread died; replacing it", exception);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
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
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isRunning()) {
      if (System.nanoTime() > deadline || streams.state().hasCompletedShutdown() || streams.state() == KafkaStreams.State.ERROR) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
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
