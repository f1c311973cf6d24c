package dev.signet.processor;

import dev.signet.core.message.ExchangeResult;
import dev.signet.core.topic.Topic;
import dev.signet.core.topic.Topics;
import java.time.Instant;
import java.util.Properties;
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

  static <V> TestOutputTopic<String, V> output(TopologyTestDriver driver, Topic<String, V> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }
}
