package dev.signet.ingress.exchange;

import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.RecordMac;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of one replies topic (no consumer group: each ingress instance sees all
 * replies and keeps those it is waiting for, so instances scale out without rebalances or
 * reply-topic bookkeeping): {@link Source#EARLY} reads {@code signet.exchange.replies.v1}
 * read_uncommitted, answering callers as soon as the processor wrote, since each such reply is a
 * pure function of committed records and a replayed transaction writes the same bytes; {@link
 * Source#SETTLED} reads {@code signet.exchange.replies-settled.v1} read_committed (see
 * docs/receipts.md, "Replies before the commit"). Starts at the end: a restarted instance has no
 * callers waiting for older results. A result's body is sliced out of the record value without
 * being parsed into a tree (see {@link ExchangeResult#fromWire}). A result is delivered only with
 * the processor's {@link dev.signet.core.crypto.ResultMac} over its exact bytes; any other is
 * counted in {@code signet_ingress_replies_refused_total} and dropped, and the caller keeps waiting
 * for the real one (or times out).
 */
final class ReplyListener implements AutoCloseable {

  /** A replies topic and how it is read. */
  enum Source {
    EARLY(Topics.EXCHANGE_REPLIES.name(), "read_uncommitted"),
    SETTLED(Topics.EXCHANGE_REPLIES_SETTLED.name(), "read_committed");

    private final String topic;
    private final String isolationLevel;

    Source(String topic, String isolationLevel) {
      this.topic = topic;
      this.isolationLevel = isolationLevel;
    }

    String topic() {
      return topic;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(ReplyListener.class);

  private final Source source;
  private final KafkaConsumer<String, byte[]> consumer;
  private final RecordMac resultMac;
  private final Counter refused;
  private final BiConsumer<String, ExchangeResult> onReply;
  private final Thread thread;
  private final CountDownLatch positioned = new CountDownLatch(1);
  private volatile boolean running = true;

  ReplyListener(
      String bootstrapServers,
      KafkaClientProperties kafkaClient,
      Source source,
      RecordMac resultMac,
      MeterRegistry meters,
      BiConsumer<String, ExchangeResult> onReply) {
    this.source = source;
    this.resultMac = resultMac;
    this.refused =
        Counter.builder("signet_ingress_replies_refused")
            .description("Results not delivered to a caller: no valid processor MAC")
            .register(meters);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, source.isolationLevel);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // A waiting fetch is answered as soon as a reply is appended (fetch.min.bytes is 1), so the
    // wait costs no latency; a short one only makes an idle ingress ask the broker 200 times a
    // second per topic.
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    this.consumer =
        new KafkaConsumer<>(
            kafkaClient.applyTo(props), new StringDeserializer(), new ByteArrayDeserializer());
    this.onReply = onReply;
    this.thread =
        new Thread(this::run, "signet-ingress-replies-" + source.name().toLowerCase(Locale.ROOT));
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
    try {
      if (!positioned.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "could not subscribe to " + source.topic() + " within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the reply listener", e);
    }
  }

  boolean isPositioned() {
    return positioned.getCount() == 0;
  }

  boolean isAlive() {
    return thread.isAlive();
  }

  private void run() {
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(source.topic(), Duration.ofSeconds(60)).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      positioned.countDown();
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<String, byte[]> record : records) {
          dispatch(record);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      log.error("reply listener stopped; synchronous exchanges will time out", e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void dispatch(ConsumerRecord<String, byte[]> record) {
    String correlationId = SignetHeaders.text(record.headers(), SignetHeaders.CORRELATION_ID);
    if (correlationId == null) {
      return;
    }
    if (record.value() == null || !resultMac.verify(record.headers(), record.value())) {
      // Only the processor answers: anyone else's "result" is never shown to a caller.
      refused.increment();
      log.warn(
          "result at {}-{}@{} for correlation {} has no valid processor MAC; not delivered",
          record.topic(),
          record.partition(),
          record.offset(),
          correlationId);
      return;
    }
    try {
      // Top-level members only; the body stays the bytes the processor wrote, passed on as they
      // are.
      onReply.accept(correlationId, ExchangeResult.fromWire(record.value()));
    } catch (RuntimeException e) {
      log.warn(
          "unreadable result at {}-{}@{}", record.topic(), record.partition(), record.offset(), e);
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
