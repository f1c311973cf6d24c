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

  /** Its topics, MACs and ids. */
  StageRecords<Q, A> records();

  default String name() {
    return records().name();
  }

  default Topic<String, Q> requests() {
    return records().requests();
  }

  default Topic<String, A> outcomes() {
    return records().outcomes();
  }

  default RecordMac requestMac() {
    return records().requestMac();
  }

  default RecordMac outcomeMac() {
    return records().outcomeMac();
  }

  default String id(Q request) {
    return records().id().apply(request);
  }

  default String traceId(Q request) {
    return records().traceId().apply(request);
  }

  default String answeredId(A outcome) {
    return records().answeredId().apply(outcome);
  }

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
