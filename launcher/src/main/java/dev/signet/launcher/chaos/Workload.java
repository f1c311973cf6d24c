package dev.signet.launcher.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The exchanges of a chaos run, each derived from the seed and its index alone (so any worker can
 * take any index, in any order, and a rerun sends the same): its trace among a few thousand (many
 * hops each), its tenant, whether it goes over HTTP or Kafka, whether it is sent again with the
 * same idempotency key, whether a poison record follows it, and whether its document is forwarded.
 */
final class Workload {

  static final double SYNC_SHARE = 0.5;
  static final double DUPLICATE_SHARE = 0.05;
  static final double POISON_SHARE = 0.01;
  static final double FORWARD_SHARE = 0.05;
  static final int HOPS_PER_TRACE = 30;

  /**
   * One exchange. {@code poison}: a poison record is sent on its trace right after it. {@code
   * forward}: it asks for its document to be forwarded to the run's forward target.
   */
  record Exchange(
      int index,
      String idempotencyKey,
      String apiKey,
      String tenant,
      String trace,
      boolean sync,
      boolean duplicate,
      boolean poison,
      boolean forward) {}

  private final long seed;
  private final int traces;
  private final List<Map.Entry<String, String>> keys;

  Workload(long seed, int exchanges) {
    this.seed = seed;
    this.traces = traceCount(exchanges);
    this.keys = new ArrayList<>(ChaosCluster.API_KEYS.entrySet());
    keys.sort(Map.Entry.comparingByKey());
  }

  /** About {@value #HOPS_PER_TRACE} hops per trace: 3,333 traces for 100k exchanges. */
  static int traceCount(int exchanges) {
    return Math.max(1, exchanges / HOPS_PER_TRACE);
  }

  int traces() {
    return traces;
  }

  Exchange exchange(int index) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    int trace = random.nextInt(traces);
    // A trace belongs to one tenant: a chain never mixes tenants.
    Map.Entry<String, String> key = keys.get(trace % keys.size());
    return new Exchange(
        index,
        "chaos-" + seed + "-x" + index,
        key.getKey(),
        key.getValue(),
        "chaos-" + seed + "-t" + trace,
        random.nextDouble() < SYNC_SHARE,
        random.nextDouble() < DUPLICATE_SHARE,
        random.nextDouble() < POISON_SHARE,
        // Drawn last, so the draws before it are what they were for a seed.
        random.nextDouble() < FORWARD_SHARE);
  }
}
