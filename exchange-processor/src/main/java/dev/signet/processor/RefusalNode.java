package dev.signet.processor;

import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Writes what intake refused: the rejection as a result and, for a poison record, the original
 * bytes as a dead letter. No state; the records it makes are shared with {@link ExchangeNode}.
 */
final class RefusalNode implements FixedKeyProcessor<String, Inbound, Output> {

  private final ExchangeCounters counters;
  private FixedKeyProcessorContext<String, Output> context;

  RefusalNode(ExchangeCounters counters) {
    this.counters = counters;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Output> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, Inbound> record) {
    Inbound.Refused refused = (Inbound.Refused) record.value();
    if (refused.parkReason() != null) {
      counters.deadLettered();
      context.forward(
          deadLetter(
              record, refused.result().code(), refused.parkReason(), context.recordMetadata()));
    }
    counters.result(refused.result());
    context.forward(
        result(record, refused.result(), Json.toBytes(refused.result()), record.timestamp()));
  }

  /**
   * A result record ({@code bytes} are {@code result} serialised): the correlation headers of the
   * request, never its API key, bound for the topic its caller reads (see {@link
   * Output.Destination}).
   */
  static FixedKeyRecord<String, Output> result(
      FixedKeyRecord<String, Inbound> request, ExchangeResult result, byte[] bytes, long now) {
    Headers reply = OutputHeaders.reply(request.headers());
    return request
        .withValue(
            (Output)
                new Output.Result(
                    bytes,
                    Output.Destination.of(
                        SignetHeaders.text(reply, SignetHeaders.CORRELATION_ID), result)))
        .withHeaders(reply)
        .withTimestamp(now);
  }

  /**
   * The request as it came (headers without the API key), at its own timestamp, with the reason.
   */
  static FixedKeyRecord<String, Output> deadLetter(
      FixedKeyRecord<String, Inbound> request,
      String code,
      String reason,
      Optional<RecordMetadata> source) {
    byte[] original = request.value().original();
    return request
        .withValue((Output) new Output.DeadLetter(OutputHeaders.deadLetterValue(original)))
        .withHeaders(OutputHeaders.deadLetter(request.headers(), code, reason, source, original));
  }
}
