package dev.signet.store;

import dev.signet.core.message.SignetHeaders;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.topic.Topics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Catch-up throughput of one sink: pre-fills the receipt topic, then times the sink draining it
 * into PostgreSQL (parse, verify, one upsert per poll, offset commit). Not a test; run by hand:
 * {@code java -cp target/classes:target/test-classes:<test classpath>
 * dev.signet.store.SinkThroughputBench [warmup] [measured] [durable|fast] [writers]}. With {@code
 * durable} PostgreSQL runs with fsync and synchronous commit on, as production does; zonky's
 * default is off. {@code -Dbench.skipSignatures=true} measures without the Ed25519 check ({@code
 * SP_STORE_VERIFY_SIGNATURES=false}).
 */
final class SinkThroughputBench {

  private SinkThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 60_000;
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 150_000;
    boolean durable = args.length > 2 && args[2].equals("durable");
    int writers = args.length > 3 ? Integer.parseInt(args[3]) : 1;

    EmbeddedPostgres.Builder pgBuilder = EmbeddedPostgres.builder();
    if (durable) {
      pgBuilder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
    }
    EmbeddedKafkaKraftBroker kafka =
        new EmbeddedKafkaKraftBroker(1, writers, Topics.RECEIPTS.name());
    try (EmbeddedPostgres postgres = pgBuilder.start()) {
      kafka.afterPropertiesSet();
      String bootstrap = kafka.getBrokersAsString().replace("localhost", "127.0.0.1");
      String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
      Database.migrate(url, "postgres", null);

      List<byte[]> values = receipts(warmup + measured);
      System.out.printf("receipt size ~%d bytes%n", values.get(0).length);
      produce(bootstrap, values);

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      ReceiptStoreConfig config =
          new ReceiptStoreConfig(
              bootstrap,
              "bench",
              url,
              "postgres",
              null,
              ReceiptStoreConfig.DEFAULT_MAX_BATCH,
              TestReceipts.SECRET,
              TestReceipts.JWKS,
              !Boolean.getBoolean("bench.skipSignatures"));
      // Several sinks in one group split the partitions: one writer (connection) each.
      List<ReceiptSink> sinks = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        sinks.add(new ReceiptSink(config, registry));
      }
      try {
        long start = System.nanoTime();
        sinks.forEach(ReceiptSink::start);
        waitFor(sinks, warmup);
        long warm = System.nanoTime();
        waitFor(sinks, warmup + measured);
        long end = System.nanoTime();
        Timer batches = registry.get(SinkMetrics.BATCH_WRITE).timer();
        System.out.printf(
            "durable=%s writers=%d warm-up: %d rows in %.1f s = %.0f rows/s%n",
            durable, writers, warmup, (warm - start) / 1e9, warmup / ((warm - start) / 1e9));
        System.out.printf(
            "durable=%s writers=%d measured: %d rows in %.1f s = %.0f rows/s; %d batches, mean write %.2f ms%n",
            durable,
            writers,
            measured,
            (end - warm) / 1e9,
            measured / ((end - warm) / 1e9),
            batches.count(),
            batches.mean(TimeUnit.MILLISECONDS));
      } finally {
        sinks.forEach(ReceiptSink::close);
      }
    } finally {
      kafka.destroy();
    }
  }

  /** Two-hop chains with a ~600-character canonical document, so rows are ~1 KB like real ones. */
  private static List<byte[]> receipts(int count) {
    String padding = "x".repeat(560);
    List<byte[]> values = new ArrayList<>(count);
    while (values.size() < count) {
      String traceId = TestReceipts.newTraceId();
      Receipt first = TestReceipts.receipt(traceId, 1, "acme", null, padding);
      values.add(TestReceipts.bytes(first));
      if (values.size() < count) {
        values.add(
            TestReceipts.bytes(
                TestReceipts.receipt(traceId, 2, "acme", first.receiptHash(), padding)));
      }
    }
    return values;
  }

  private static void produce(String bootstrap, List<byte[]> values) {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                10,
                ProducerConfig.BATCH_SIZE_CONFIG,
                262_144,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4"),
            Topics.RECEIPTS.keySerde().serializer(),
            new ByteArraySerializer())) {
      for (byte[] value : values) {
        ProducerRecord<String, byte[]> record =
            new ProducerRecord<>(Topics.RECEIPTS.name(), null, value);
        SignetHeaders.put(record.headers(), SignetHeaders.RECEIPT_MAC, TestReceipts.mac(value));
        producer.send(record);
      }
      producer.flush();
    }
  }

  private static void waitFor(List<ReceiptSink> sinks, long rows) {
    Awaitility.await()
        .atMost(Duration.ofMinutes(10))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> sinks.stream().mapToLong(ReceiptSink::storedCount).sum() >= rows);
  }
}
