package dev.signet.processor;

import dev.signet.core.message.ExchangeResult;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

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

  static TestOutputTopic<String, ExchangeResult> results(TopologyTestDriver driver) {
    return output(driver, Topics.EXCHANGE_RESULTS);
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
