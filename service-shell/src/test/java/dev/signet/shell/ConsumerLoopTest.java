package dev.signet.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop's life with a real consumer that has no broker to reach (a closed loopback port): its
 * polls block for as long as they are told to, which is what {@link ConsumerLoop#close()} must cut
 * short.
 */
class ConsumerLoopTest {

  // Far longer than any assertion waits: a test passes only if close() cuts it short.
  private static final Duration LONG = Duration.ofMinutes(10);
  private static final Duration SOON = Duration.ofSeconds(10);

  private final KafkaConsumer<String, String> consumer =
      new KafkaConsumer<>(
          Map.of(
              ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
              ConsumerConfig.GROUP_ID_CONFIG, "consumer-loop-test"),
          new StringDeserializer(),
          new StringDeserializer());
  private final Recorder body = new Recorder();
  private final ConsumerLoop loop =
      new ConsumerLoop("test loop", "signet-test-loop", Duration.ofSeconds(30), consumer, body);

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  @Test
  void shouldTurnOnItsOwnThreadUntilClosedAndThenStop() throws Exception {
    body.turn = () -> consumer.poll(Duration.ofMillis(20));

    loop.start();
    await().atMost(SOON).until(() -> body.turns.get() >= 3);

    assertThat(loop.isRunning()).isTrue();
    assertThat(body.threads).containsOnly("signet-test-loop");
    assertThat(body.prepared.get()).isEqualTo(1);
    assertThat(body.subscribed.get()).isEqualTo(1);

    loop.close();

    assertThat(loop.awaitTermination()).isEqualTo(Service.Termination.STOPPED);
    assertThat(loop.isRunning()).isFalse();
    assertThat(body.clientsClosed.get()).isEqualTo(1);
    assertThat(body.resourcesClosed.get()).isEqualTo(1);
    assertThat(body.failures).isEmpty();
  }

  @Test
  void shouldWakeABlockingPollWhenClosed() {
    body.turn = () -> consumer.poll(LONG);
    loop.start();
    await().atMost(SOON).until(() -> body.turns.get() == 1);

    assertTimeoutPreemptively(SOON, loop::close);

    assertThat(assertTimeoutPreemptively(SOON, loop::awaitTermination))
        .isEqualTo(Service.Termination.STOPPED);
    assertThat(body.clientsClosed.get()).isEqualTo(1);
  }

  @Test
  void shouldEndAPauseBeforeARetryWhenClosed() {
    body.turn = () -> loop.pause(LONG);
    loop.start();
    await().atMost(SOON).until(() -> body.turns.get() == 1);

    assertTimeoutPreemptively(SOON, loop::close);

    assertThat(assertTimeoutPreemptively(SOON, loop::awaitTermination))
        .isEqualTo(Service.Termination.STOPPED);
    assertThat(body.turns.get()).as("no turn after close").isEqualTo(1);
  }

  @Test
  void shouldFailForGoodWhenATurnThrows() throws Exception {
    IllegalStateException boom = new IllegalStateException("the database is gone for good");
    body.turn =
        () -> {
          throw boom;
        };

    loop.start();

    assertThat(assertTimeoutPreemptively(SOON, loop::awaitTermination))
        .isEqualTo(Service.Termination.FAILED);
    assertThat(loop.isRunning()).isFalse();
    assertThat(body.failures).containsExactly(boom);
    assertThat(body.clientsClosed.get()).isEqualTo(1);
    assertThat(body.turns.get()).isEqualTo(1);
  }

  @Test
  void shouldStartOnlyOnce() {
    body.turn = () -> consumer.poll(Duration.ofMillis(20));
    loop.start();

    assertThatThrownBy(loop::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the test loop is already started");
    assertThat(body.prepared.get()).isEqualTo(1);
  }

  @Test
  void shouldCloseWithoutAThreadWhenClosedBeforeStartAndNeverStartAfter() throws Exception {
    assertThat(loop.isRunning()).isFalse();

    loop.close();

    assertThat(assertTimeoutPreemptively(SOON, loop::awaitTermination))
        .isEqualTo(Service.Termination.STOPPED);
    assertThat(body.clientsClosed.get()).isEqualTo(1);
    assertThat(body.resourcesClosed.get()).isEqualTo(1);
    assertThatThrownBy(loop::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the test loop is closed");
    assertThat(body.prepared.get()).isZero();
    assertThat(body.threads).isEmpty();
  }

  @Test
  void shouldCloseCleanlyAfterAStartThatFailedWhilePreparing() throws Exception {
    body.failPrepare = true;
    assertThatThrownBy(loop::start).hasMessage("migration failed");

    loop.close();

    assertThat(assertTimeoutPreemptively(SOON, loop::awaitTermination))
        .isEqualTo(Service.Termination.STOPPED);
    assertThat(body.clientsClosed.get()).isEqualTo(1);
    assertThat(body.resourcesClosed.get()).isEqualTo(1);
    assertThat(body.threads).isEmpty();
  }

  @Test
  void shouldCloseOnlyOnce() throws Exception {
    body.turn = () -> consumer.poll(Duration.ofMillis(20));
    loop.start();

    loop.close();
    loop.close();

    assertThat(loop.awaitTermination()).isEqualTo(Service.Termination.STOPPED);
    assertThat(body.clientsClosed.get()).isEqualTo(1);
    assertThat(body.resourcesClosed.get()).isEqualTo(1);
  }

  /** Counts each hook; the turn is set by the test. */
  private final class Recorder implements ConsumerLoop.Body {
    volatile Runnable turn = () -> {};
    volatile boolean failPrepare;
    final AtomicInteger prepared = new AtomicInteger();
    final AtomicInteger subscribed = new AtomicInteger();
    final AtomicInteger turns = new AtomicInteger();
    final AtomicInteger clientsClosed = new AtomicInteger();
    final AtomicInteger resourcesClosed = new AtomicInteger();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void prepare() {
      prepared.incrementAndGet();
      if (failPrepare) {
        throw new IllegalStateException("migration failed");
      }
    }

    @Override
    public void subscribe() {
      subscribed.incrementAndGet();
      consumer.subscribe(List.of("signet.test.loop"));
    }

    @Override
    public void turn() {
      threads.add(Thread.currentThread().getName());
      turns.incrementAndGet();
      turn.run();
    }

    @Override
    public void closeClients() {
      clientsClosed.incrementAndGet();
      consumer.close();
    }

    @Override
    public void closeResources() {
      resourcesClosed.incrementAndGet();
    }

    @Override
    public void onFailure(Throwable cause) {
      failures.add(cause);
    }
  }
}
