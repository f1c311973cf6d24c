package dev.signet.launcher.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What a load run saw, recorded from every connection thread at once: responses by status, and two
 * latency histograms (µs). One times each request from its <em>intended</em> start, the
 * coordinated-omission-corrected figure: a request that a stalled server kept from being sent on
 * time is charged the wait, as a caller on that schedule would have felt it. The other times from
 * the actual send, the figure a closed-loop generator reports; in a closed loop both are the same.
 */
final class LoadTally {

  private final LongAdder ok = new LongAdder();
  private final LongAdder ioFailures = new LongAdder();
  private final LongAdder unsent = new LongAdder();
  private final Map<Integer, LongAdder> errorsByStatus = new ConcurrentHashMap<>();
  private final Histogram fromIntended = new ConcurrentHistogram(3);
  private final Histogram fromSent = new ConcurrentHistogram(3);
  private final Intervals intervals;

  LoadTally() {
    this(null);
  }

  /** Also counts successful responses into {@code intervals}. */
  LoadTally(Intervals intervals) {
    this.intervals = intervals;
  }

  /** A response with {@code status}; all times on the {@link System#nanoTime} scale. */
  void response(int status, long intendedNanos, long sentNanos, long doneNanos) {
    long corrected = micros(doneNanos - intendedNanos);
    fromIntended.recordValue(corrected);
    fromSent.recordValue(micros(doneNanos - sentNanos));
    if (status == 200) {
      ok.increment();
      if (intervals != null) {
        intervals.record(doneNanos, corrected);
      }
    } else {
      errorsByStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }
  }

  /** A request that got no response: the connection failed or closed. */
  void ioFailure() {
    ioFailures.increment();
  }

  /** Requests of a fixed-rate schedule that were due before the end but never sent. */
  void unsent(long requests) {
    unsent.add(requests);
  }

  long ok() {
    return ok.sum();
  }

  /** Every request that did not get a 200: other statuses and connection failures. */
  long errors() {
    return ioFailures.sum() + errorsByStatus.values().stream().mapToLong(LongAdder::sum).sum();
  }

  long unsent() {
    return unsent.sum();
  }

  /** E.g. {@code "none"} or {@code "503 ×12, no response ×1"}. */
  String errorBreakdown() {
    Map<Integer, Long> sorted = new TreeMap<>();
    errorsByStatus.forEach((status, n) -> sorted.put(status, n.sum()));
    StringBuilder text = new StringBuilder();
    sorted.forEach(
        (status, n) ->
            text.append(text.isEmpty() ? "" : ", ").append(status).append(" ×").append(n));
    if (ioFailures.sum() > 0) {
      text.append(text.isEmpty() ? "" : ", ").append("no response ×").append(ioFailures.sum());
    }
    return text.isEmpty() ? "none" : text.toString();
  }

  /** Latencies (µs) from each request's intended start: corrected for coordinated omission. */
  Histogram fromIntendedStart() {
    return fromIntended.copy();
  }

  /** Latencies (µs) from each request's actual send. */
  Histogram fromSend() {
    return fromSent.copy();
  }

  private static long micros(long nanos) {
    return Math.max(1, nanos / 1_000);
  }
}
