package dev.signet.launcher.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Successful responses counted per fixed-width interval after a start instant, with their
 * latencies: the first-minute curve. A response belongs to the interval in which it completed;
 * responses before the start or after the last interval are not counted. Safe to record from many
 * threads at once.
 */
final class Intervals {

  private final long startNanos;
  private final long widthNanos;
  private final AtomicLongArray counts;
  private final Histogram[] latencies;

  Intervals(long startNanos, Duration width, int count) {
    if (width.isNegative() || width.isZero() || count < 1) {
      throw new IllegalArgumentException("need a positive width and at least one interval");
    }
    this.startNanos = startNanos;
    this.widthNanos = width.toNanos();
    this.counts = new AtomicLongArray(count);
    this.latencies = new Histogram[count];
    for (int i = 0; i < count; i++) {
      latencies[i] = new ConcurrentHistogram(3);
    }
  }

  /** The interval {@code atNanos} falls in, or -1 if none. */
  int indexOf(long atNanos) {
    if (atNanos < startNanos) {
      return -1;
    }
    long index = (atNanos - startNanos) / widthNanos;
    return index < counts.length() ? (int) index : -1;
  }

  void record(long completedNanos, long latencyMicros) {
    int index = indexOf(completedNanos);
    if (index >= 0) {
      counts.incrementAndGet(index);
      latencies[index].recordValue(Math.max(1, latencyMicros));
    }
  }

  int count() {
    return counts.length();
  }

  Duration width() {
    return Duration.ofNanos(widthNanos);
  }

  long responses(int index) {
    return counts.get(index);
  }

  double perSecond(int index) {
    return counts.get(index) * 1e9 / widthNanos;
  }

  /** Latencies (µs) of the responses that completed in the interval. */
  Histogram latencies(int index) {
    return latencies[index].copy();
  }
}
