package dev.signet.billing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.slf4j.LoggerFactory;

/**
 * How a processor that authenticates its input reports a record it drops: counted by reason in
 * {@code meter}, and logged at ERROR with its topic-partition@offset so that it can be found.
 */
final class RefusedRecords {

  private final MeterRegistry registry;
  private final String meter;
  private final String description;
  private final Class<?> source;
  private final String action;

  /**
   * @param meter the counter, tagged {@code reason}
   * @param source the processor: its logger logs the refusal
   * @param action what is not done to the record, opening the log line ({@code "Not billing
   *     record"})
   */
  RefusedRecords(
      MeterRegistry registry, String meter, String description, Class<?> source, String action) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.meter = Objects.requireNonNull(meter, "meter");
    this.description = Objects.requireNonNull(description, "description");
    this.source = Objects.requireNonNull(source, "source");
    this.action = Objects.requireNonNull(action, "action");
  }

  /** Counts and logs the record being processed in {@code context}, with key {@code key}. */
  void refuse(ProcessingContext context, Object key, String reason, String detail) {
    Counter.builder(meter)
        .description(description)
        .tag("reason", reason)
        .register(registry)
        .increment();
    // Looked up per refusal (SLF4J caches it): loggers are static fields of their own class only.
    LoggerFactory.getLogger(source)
        .error(
            "{} {} (key {}): {}: {}",
            action,
            context
                .recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse("?"),
            key,
            reason,
            detail);
  }
}
