package dev.signet.processor;

import dev.signet.core.topic.Topics;
import io.micrometer.core.instrument.Metrics;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line behind the processor's own size checks, for a record the producer still cannot
 * write. A receipt is never dropped (that would leave a chain head pointing at nothing): the task
 * fails and the transaction aborts. Anything else (a result, a dead letter, a re-routed request) is
 * dropped with an ERROR and {@code signet_processor_outputs_dropped_total}, so one unwritable
 * record never stops a partition by being retried forever.
 */
public final class OutputFailureHandler implements ProductionExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(OutputFailureHandler.class);

  @Override
  public ProductionExceptionHandlerResponse handle(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    return decide(record.topic(), exception);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public ProductionExceptionHandlerResponse handleSerializationException(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    return decide(record.topic(), exception);
  }

  static ProductionExceptionHandlerResponse decide(String topic, Exception exception) {
    if (Topics.RECEIPTS.name().equals(topic)) {
      log.error(
          "a receipt could not be written to {}; failing the task so its transaction aborts",
          topic,
          exception);
      return ProductionExceptionHandlerResponse.FAIL;
    }
    log.error("dropped a record for {} that could not be written", topic, exception);
    Metrics.counter("signet_processor_outputs_dropped", "topic", topic).increment();
    return ProductionExceptionHandlerResponse.CONTINUE;
  }

  @Override
  public void configure(Map<String, ?> configs) {}
}
