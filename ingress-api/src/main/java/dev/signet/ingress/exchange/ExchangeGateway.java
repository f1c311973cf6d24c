package dev.signet.ingress.exchange;

import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.RecordMac;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Request/reply over Kafka: publishes a request keyed by its trace id and completes the caller's
 * future when {@link ReplyListener} sees the result with the same correlation id. No servlet thread
 * waits: the controller returns the future.
 */
public final class ExchangeGateway implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, CompletableFuture<ExchangeResult>> pending = new ConcurrentHashMap<>();
  private final List<ReplyListener> replies;
  private final Duration replyTimeout;

  /**
   * @param resultMac the processor's result MAC: replies without it are never delivered
   */
  public ExchangeGateway(
      String bootstrapServers,
      KafkaClientProperties kafkaClient,
      Duration replyTimeout,
      RecordMac resultMac,
      MeterRegistry meters) {
    this.replyTimeout = replyTimeout;
    this.producer =
        new KafkaProducer<>(
            kafkaClient.applyTo(producerProperties(bootstrapServers)),
            new StringSerializer(),
            new ByteArraySerializer());
    this.replies =
        Stream.of(ReplyListener.Source.values())
            .map(
                source ->
                    new ReplyListener(
                        bootstrapServers, kafkaClient, source, resultMac, meters, this::complete))
            .toList();
    meters.gauge("signet_ingress_pending_replies", pending, Map::size);
  }

  static Properties producerProperties(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    // One request per batch at sync rates: lz4 would allocate a 64 KB block for each.
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "signet-ingress-" + UUID.randomUUID());
    return props;
  }

  /**
   * Starts listening for replies; returns once the listener is positioned, so no reply is missed.
   */
  public ExchangeGateway start() {
    replies.forEach(ReplyListener::start);
    return this;
  }

  public boolean isHealthy() {
    return replies.stream().allMatch(listener -> listener.isPositioned() && listener.isAlive());
  }

  public CompletableFuture<ExchangeResult> submit(
      String traceId, byte[] body, String apiKey, String idempotencyKey) {
    String correlationId = UUID.randomUUID().toString();
    CompletableFuture<ExchangeResult> reply = new CompletableFuture<>();
    pending.put(correlationId, reply);
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(Topics.EXCHANGE_REQUESTS.name(), traceId, body);
    Headers headers = record.headers();
    SignetHeaders.put(headers, SignetHeaders.API_KEY, apiKey);
    SignetHeaders.put(headers, SignetHeaders.IDEMPOTENCY_KEY, idempotencyKey);
    SignetHeaders.put(headers, SignetHeaders.CORRELATION_ID, correlationId);
    SignetHeaders.put(
        headers, SignetHeaders.ACCEPTED_AT, Long.toString(System.currentTimeMillis()));
    producer.send(
        record,
        (metadata, error) -> {
          if (error != null) {
            pending.remove(correlationId);
            reply.completeExceptionally(new PublishFailedException(error));
          }
        });
    return reply
        .orTimeout(replyTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((result, error) -> pending.remove(correlationId));
  }

  private void complete(String correlationId, ExchangeResult result) {
    CompletableFuture<ExchangeResult> waiting = pending.remove(correlationId);
    if (waiting != null) {
      waiting.complete(result);
    }
  }

  @Override
  public void close() {
    replies.forEach(ReplyListener::close);
    producer.close(Duration.ofSeconds(10));
  }

  /** Kafka refused the request; the client may retry with the same idempotency key. */
  public static final class PublishFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PublishFailedException(Throwable cause) {
      super("could not publish the request to Kafka", cause);
    }
  }
}
