package dev.signet.shell;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a plain Kafka consumer on its own thread, as the receipt sink and billing's ledger
 * worker run one: what topics it reads and what it guarantees are its {@link Body}'s, this class
 * owns only the thread and the rules of starting and stopping it.
 *
 * <ul>
 *   <li>{@link #start()} at most once, and never after {@link #close()}: {@link Body#prepare()} on
 *       the caller's thread (a migration that fails fails the start), then the loop's thread, which
 *       subscribes and turns {@link Body#turn()} until it is closed.
 *   <li>{@link #close()} once, from any thread (later calls return at once): it stops the loop
 *       after the turn in hand, wakes a blocking poll or commit ({@link Consumer#wakeup()}, never
 *       an interrupt: the body may be in the middle of a call that an interrupt would turn into a
 *       failure), waits up to the close timeout for the thread, then {@link Body#closeResources()}.
 *       The clients are closed by the loop's thread as it ends, or by {@code close()} if it never
 *       started.
 *   <li>A throw out of {@link Body#turn()} other than the wakeup or an interrupt ends the loop for
 *       good: {@link Body#onFailure} is told once, {@link #isRunning()} turns false and {@link
 *       #awaitTermination()} says {@code FAILED}, so a supervised process exits non-zero and is
 *       restarted rather than running on without consuming. Recoverable errors are the body's to
 *       catch and retry, pausing with {@link #pause}.
 * </ul>
 */
public final class ConsumerLoop {

  /** What one consumer service does on its loop; every hook but {@link #turn()} is optional. */
  public interface Body {

    /** Before the thread starts, on the thread calling {@link #start()}, e.g. migrations. */
    default void prepare() {}

    /** First thing on the loop's thread, e.g. subscribing. */
    default void subscribe() {}

    /** One turn: poll, handle, commit. Called again while the loop is not closed. */
    void turn();

    /**
     * Closes the Kafka clients: on the loop's thread as it ends, or in close() if never started.
     */
    default void closeClients() {}

    /** After the thread stopped (or did not stop within the timeout), e.g. a connection pool. */
    default void closeResources() {}

    /** Told once, on the loop's thread after the clients are closed, why the loop failed. */
    default void onFailure(Throwable cause) {}
  }

  private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);

  private final String name;
  private final Duration closeTimeout;
  private final Consumer<?, ?> consumer;
  private final Body body;
  private final Thread thread;
  private final CountDownLatch stopping = new CountDownLatch(1);
  // Counted down once the loop's thread has ended (or by close() if it never started).
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean failed = new AtomicBoolean();

  /**
   * @param name in errors and logs, e.g. {@code receipt sink}
   * @param threadName the loop thread's name, e.g. {@code signet-receipt-sink}
   * @param closeTimeout how long {@link #close()} waits for the thread before closing resources
   * @param consumer the body's consumer, woken by {@link #close()}
   */
  public ConsumerLoop(
      String name, String threadName, Duration closeTimeout, Consumer<?, ?> consumer, Body body) {
    this.name = Objects.requireNonNull(name, "name");
    this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.body = Objects.requireNonNull(body, "body");
    this.thread =
        new Thread(
            () -> {
              try {
                run();
              } finally {
                terminated.countDown();
              }
            },
            Objects.requireNonNull(threadName, "threadName"));
    // Only a throw while closing the clients gets here; the loop's own failures are handled.
    this.thread.setUncaughtExceptionHandler(
        (t, e) -> log.error("The {} stopped on an unexpected error", name, e));
  }

  /** Prepares on this thread, then starts the loop's; at most once, never after close. */
  public void start() {
    if (closed.get()) {
      throw new IllegalStateException("the " + name + " is closed");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the " + name + " is already started");
    }
    body.prepare();
    thread.start();
  }

  /**
   * False before {@link #start()}, after {@link #close()}, and once the loop failed; true while the
   * body retries a recoverable failure.
   */
  public boolean isRunning() {
    return thread.isAlive() && stopping.getCount() > 0 && !failed.get();
  }

  /** Blocks until the loop ended: {@code FAILED} when it stopped on a throw out of a turn. */
  public Service.Termination awaitTermination() throws InterruptedException {
    terminated.await();
    return failed.get() ? Service.Termination.FAILED : Service.Termination.STOPPED;
  }

  /** Waits up to {@code delay} before a retry; returns at once when the loop is closed. */
  public void pause(Duration delay) {
    try {
      stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping.countDown();
    }
  }

  /** Stops after the turn in hand, waits for the thread, closes resources; at most once. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopping.countDown();
    // NEW: never started, or start() failed in prepare() (a migration): no thread to wait for.
    if (started.get() && thread.getState() != Thread.State.NEW) {
      consumer.wakeup();
      if (Thread.currentThread() != thread) {
        try {
          thread.join(closeTimeout.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
          log.warn(
              "The {} thread did not stop within {}; closing its resources under it",
              name,
              closeTimeout);
        }
      }
    } else {
      body.closeClients();
      terminated.countDown();
    }
    body.closeResources();
  }

  private void run() {
    Throwable fatal = null;
    try {
      body.subscribe();
      while (stopping.getCount() > 0) {
        body.turn();
      }
    } catch (WakeupException e) {
      // close() wakes a blocking poll or commit this way; what was not committed is re-read.
    } catch (InterruptException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      // An Error, or what the body would not retry: going on cannot help, a restart may.
      fatal = e;
      failed.set(true);
    } finally {
      body.closeClients();
    }
    if (fatal != null) {
      try {
        body.onFailure(fatal);
      } catch (RuntimeException e) {
        log.error("The {}'s failure handling failed", name, e);
      }
    }
  }
}
