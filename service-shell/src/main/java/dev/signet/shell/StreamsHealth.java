package dev.signet.shell;

import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Health of a Kafka Streams client (processor, billing): ready only while {@code RUNNING}; live
 * until it has failed or stopped for good ({@code PENDING_ERROR}, {@code ERROR}, {@code
 * NOT_RUNNING}). {@code REBALANCING} and {@code CREATED} are live but not ready: tasks are moving
 * or restoring, which a restart would only prolong.
 */
public final class StreamsHealth implements HealthCheck {

  private final Supplier<KafkaStreams.State> state;

  private StreamsHealth(Supplier<KafkaStreams.State> state) {
    this.state = state;
  }

  /**
   * @param state the client's current state, e.g. {@code service::state}
   */
  public static StreamsHealth of(Supplier<KafkaStreams.State> state) {
    return new StreamsHealth(Objects.requireNonNull(state, "state"));
  }

  @Override
  public Health check() {
    return of(state.get());
  }

  static Health of(KafkaStreams.State state) {
    return switch (state) {
      case RUNNING -> Health.ready(state.name());
      case CREATED, REBALANCING, PENDING_SHUTDOWN -> Health.notReady(state.name());
      case PENDING_ERROR, ERROR, NOT_RUNNING -> Health.failed(state.name());
    };
  }
}
