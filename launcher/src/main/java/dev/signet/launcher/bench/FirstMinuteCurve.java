package dev.signet.launcher.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Throughput in each fixed-width interval after the pipeline became ready, with no warm-up: how
 * fast a freshly started local mode is in its first minute.
 *
 * @param width each interval's length
 * @param perSecond successful responses per second in each interval, in order
 */
record FirstMinuteCurve(Duration width, List<Double> perSecond) {

  FirstMinuteCurve {
    if (width.isNegative() || width.isZero()) {
      throw new IllegalArgumentException("width must be positive, got " + width);
    }
    perSecond = List.copyOf(perSecond);
  }

  static FirstMinuteCurve of(Intervals intervals) {
    return new FirstMinuteCurve(
        intervals.width(),
        java.util.stream.IntStream.range(0, intervals.count())
            .mapToObj(intervals::perSecond)
            .toList());
  }

  /** The best interval that ended within {@code since} of the start; 0 if none did. */
  double bestWithin(Duration since) {
    long whole = since.toNanos() / width.toNanos();
    return perSecond.stream().limit(whole).mapToDouble(Double::doubleValue).max().orElse(0);
  }

  /** {@link #bestWithin} as a share of {@code steady} (0.7 = 70 %); 0 if steady is not positive. */
  double bestWithinShareOf(Duration since, double steady) {
    return steady > 0 ? bestWithin(since) / steady : 0;
  }

  /** E.g. {@code "355 / 743 / 921 / 1,047 / 1,098 / 1,427"}. */
  String curve() {
    return perSecond.stream()
        .map(r -> String.format(Locale.ROOT, "%,.0f", r))
        .collect(Collectors.joining(" / "));
  }
}
