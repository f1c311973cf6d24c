package dev.signet.processor;

import dev.signet.core.message.ExchangeResult;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The exchange topology in a {@link TopologyTestDriver}, with its topics typed as declared. */
final class TestDrivers {

  private TestDrivers() {}

  static TopologyTestDriver start(ExchangeTopology topology, Instant wallClock) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    return new TopologyTestDriver(topology.build(), props, wallClock);
  }

  static TestInputTopic<String, byte[]> requests(TopologyTestDriver driver) {
    Topic<String, byte[]> topic = Topics.EXCHANGE_REQUESTS;
    return driver.createInputTopic(
        topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  /** Every result, whichever of the three result topics it was written to. */
  static Results results(TopologyTestDriver driver) {
    return new Results(
        List.of(
            output(driver, Topics.EXCHANGE_RESULTS),
            output(driver, Topics.EXCHANGE_REPLIES),
            output(driver, Topics.EXCHANGE_REPLIES_SETTLED)));
  }

  /**
   * The results, async results and replies (early and settled) alike: a read takes the oldest
   * record of any of the three topics (by its position in the test's output, see {@link
   * TestRecord#getRecordTime}, then topic order), so tests read answers in the order they were made
   * whatever topic their caller reads.
   */
  static final class Results {
    private final List<TestOutputTopic<String, ExchangeResult>> topics;
    private final List<Deque<TestRecord<String, ExchangeResult>>> buffered;

    private Results(List<TestOutputTopic<String, ExchangeResult>> topics) {
      this.topics = topics;
      this.buffered =
          topics.stream()
              .map(
                  t ->
                      (Deque<TestRecord<String, ExchangeResult>>)
                          new ArrayDeque<TestRecord<String, ExchangeResult>>())
              .toList();
    }

    boolean isEmpty() {
      drain();
      return buffered.stream().allMatch(Deque::isEmpty);
    }

    TestRecord<String, ExchangeResult> readRecord() {
      drain();
      Deque<TestRecord<String, ExchangeResult>> oldest = null;
      for (Deque<TestRecord<String, ExchangeResult>> queue : buffered) {
        if (!queue.isEmpty()
            && (oldest == null
                || queue
                    .peekFirst()
                    .getRecordTime()
                    .isBefore(oldest.peekFirst().getRecordTime()))) {
          oldest = queue;
        }
      }
      if (oldest == null) {
        throw new NoSuchElementException("no result was written");
      }
      return oldest.pollFirst();
    }

    ExchangeResult readValue() {
      return readRecord().value();
    }

    List<TestRecord<String, ExchangeResult>> readRecordsToList() {
      List<TestRecord<String, ExchangeResult>> all = new ArrayList<>();
      while (!isEmpty()) {
        all.add(readRecord());
      }
      return all;
    }

    List<ExchangeResult> readValuesToList() {
      return readRecordsToList().stream().map(TestRecord::value).toList();
    }

    private void drain() {
      for (int i = 0; i < topics.size(); i++) {
        buffered.get(i).addAll(topics.get(i).readRecordsToList());
      }
    }
  }

  /** {@code topic} written as bytes: the test sets the headers (a MAC, or none). */
  static TestInputTopic<String, byte[]> rawInput(TopologyTestDriver driver, Topic<?, ?> topic) {
    return driver.createInputTopic(topic.name(), new StringSerializer(), new ByteArraySerializer());
  }

  /** {@code topic} read as bytes, to check the MAC over exactly what was written. */
  static TestOutputTopic<String, byte[]> rawOutput(TopologyTestDriver driver, Topic<?, ?> topic) {
    return driver.createOutputTopic(
        topic.name(), new StringDeserializer(), new ByteArrayDeserializer());
  }

  static <V> TestOutputTopic<String, V> output(TopologyTestDriver driver, Topic<String, V> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }
}
