package dev.signet.processor.stage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one outcome partition (read_committed, no group) from a recovery mark to its end and
 * collects the request ids already answered, with the request offset each answers (header {@code
 * x-signet-<stage>-request-offset}). Reads at most {@code maxRecords}: a mark further back than
 * that is moved forward, with a warning, and requests answered before the new start may be worked
 * on again.
 */
final class AnsweredRequests<A> {

  /** The answers found and the partition's end when read. */
  record Found(Map<String, PartitionProgress.Answer> answers, long end) {}

  private static final Logger log = LoggerFactory.getLogger(AnsweredRequests.class);
  private static final Duration READ_DEADLINE = Duration.ofSeconds(60);

  private final Consumer<String, byte[]> reader;
  private final Stage<?, A> stage;
  private final String topicName;
  private final int maxRecords;

  AnsweredRequests(
      Consumer<String, byte[]> reader, Stage<?, A> stage, String topicName, int maxRecords) {
    this.reader = reader;
    this.stage = stage;
    this.topicName = topicName;
    this.maxRecords = maxRecords;
  }

  /** Header of an outcome record: the offset of the request it answers, in decimal. */
  static String requestOffsetHeader(Stage<?, ?> stage) {
    return "x-signet-" + stage.name() + "-request-offset";
  }

  /**
   * The answers in outcome partition {@code partition} from {@code mark} (empty: no mark was
   * committed) to its committed end.
   */
  Found read(int partition, OptionalLong mark) {
    TopicPartition tp = new TopicPartition(topicName, partition);
    reader.assign(List.of(tp));
    try {
      long begin = reader.beginningOffsets(List.of(tp)).get(tp);
      long end = reader.endOffsets(List.of(tp)).get(tp);
      long floor = Math.max(begin, end - maxRecords);
      long from = Math.min(end, Math.max(floor, mark.orElse(floor)));
      if (mark.isPresent() && mark.getAsLong() < floor) {
        log.warn(
            "Outcome partition {} holds {} records past the recovery mark {}; reading only the last"
                + " {}: requests answered before offset {} may be sent to the model again",
            tp,
            end - mark.getAsLong(),
            mark.getAsLong(),
            end - from,
            from);
      }
      Map<String, PartitionProgress.Answer> answers = new HashMap<>();
      reader.seek(tp, from);
      Instant deadline = Instant.now().plus(READ_DEADLINE);
      while (reader.position(tp) < end) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "could not read " + tp + " from " + from + " to " + end + " in " + READ_DEADLINE);
        }
        for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(100))) {
          collect(record, answers);
        }
      }
      log.info(
          "Outcome partition {}: {} answered request(s) between offsets {} and {}",
          tp,
          answers.size(),
          from,
          end);
      return new Found(answers, end);
    } finally {
      reader.unsubscribe();
    }
  }

  private void collect(
      ConsumerRecord<String, byte[]> record, Map<String, PartitionProgress.Answer> answers) {
    // Only our own outcomes count: a forged one must not stop a request from being answered.
    if (!stage.outcomeMac().verify(record.headers(), record.value())) {
      return;
    }
    Header offset = record.headers().lastHeader(requestOffsetHeader(stage));
    if (offset == null || offset.value() == null) {
      return;
    }
    try {
      A outcome =
          stage.outcomes().valueSerde().deserializer().deserialize(topicName, record.value());
      long requestOffset = Long.parseLong(new String(offset.value(), StandardCharsets.US_ASCII));
      answers.put(
          stage.answeredId(outcome), new PartitionProgress.Answer(requestOffset, record.offset()));
    } catch (RuntimeException e) {
      log.warn(
          "Unreadable outcome at {}-{}@{}: {}",
          topicName,
          record.partition(),
          record.offset(),
          e.toString());
    }
  }
}
