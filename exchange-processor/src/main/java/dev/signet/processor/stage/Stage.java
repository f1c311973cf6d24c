package dev.signet.processor.stage;

import dev.signet.core.crypto.RecordMac;
import dev.signet.core.topic.Topic;
import java.util.List;

/**
 * One kind of slow work the {@link StageWorker} does off the stream threads (the model's repair, a
 * forward): what it reads, how one request is answered, and what is recorded of it.
 *
 * @param <Q> the request, written by the processor with {@link #requestMac()}
 * @param <A> the outcome, written by the worker with {@link #outcomeMac()} before anything uses it
 */
public interface Stage<Q, A> extends AutoCloseable {

  /** Lower-case name for threads, logs, headers and meters, e.g. {@code repair}. */
  String name();

  /** The requests' topic and serdes. */
  Topic<String, Q> requests();

  /** The outcomes' topic and serdes. */
  Topic<String, A> outcomes();

  RecordMac requestMac();

  RecordMac outcomeMac();

  /** The request's id: one outcome per id. */
  String id(Q request);

  /** The trace the request belongs to: the outcome's key. */
  String traceId(Q request);

  /** The id of the request an outcome answers. */
  String answeredId(A outcome);

  /**
   * The work itself, on a worker thread: blocking, and never throwing for what the world does (a
   * timeout, an error status); such failures are outcomes too.
   */
  A answer(Q request);

  /** The outcome recorded when {@link #answer} threw anyway: a bug, still answered. */
  A failedBy(Q request, Throwable bug);

  /** The {@code result} tag of the calls counter for this outcome, e.g. {@code replied}. */
  String result(A outcome);

  /** Every value {@link #result} can take, so each counter exists (at 0) from the start. */
  List<String> results();

  /** Releases what the stage holds (clients, pools). */
  @Override
  void close();
}
