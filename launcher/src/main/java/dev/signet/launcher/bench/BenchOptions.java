package dev.signet.launcher.bench;

import dev.signet.processor.ProcessorConfig;
import java.time.Duration;

/**
 * {@code ./signet bench [all|async|sync|first-minute|repair] [--requests N] [--concurrency C]
 * [--duration S] [--warmup S] [--rate R] …}.
 *
 * @param rate the fixed offered rate of the sync open-loop run, requests/s; 0 = {@link
 *     #RATE_SHARE_OF_CLOSED_LOOP} of the closed-loop throughput measured just before
 */
record BenchOptions(
    String mode,
    int asyncRequests,
    int concurrency,
    Duration syncDuration,
    Duration warmup,
    int commitIntervalMs,
    int partitions,
    long rate) {

  /** Near the maximum, but below it, so that the fixed-rate latencies are not a growing queue. */
  static final double RATE_SHARE_OF_CLOSED_LOOP = 0.9;

  static BenchOptions parse(String[] args) {
    String mode = "all";
    int requests = 200_000;
    int concurrency = 64;
    Duration duration = Duration.ofSeconds(30);
    Duration warmup = Duration.ofSeconds(30);
    int commitMs = (int) ProcessorConfig.DEFAULT_COMMIT_INTERVAL.toMillis();
    int partitions = 4;
    long rate = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "async", "sync", "all", "repair", "first-minute" -> mode = args[i];
        case "--requests" -> requests = Integer.parseInt(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(args[++i]));
        case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(args[++i]));
        case "--commit-interval-ms" -> commitMs = Integer.parseInt(args[++i]);
        case "--partitions" -> partitions = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Long.parseLong(args[++i]);
        case "-h", "--help" -> throw new IllegalArgumentException(usage());
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + usage());
      }
    }
    if (rate < 0) {
      throw new IllegalArgumentException("--rate must not be negative\n" + usage());
    }
    return new BenchOptions(
        mode, requests, concurrency, duration, warmup, commitMs, partitions, rate);
  }

  boolean measuresFirstMinute() {
    return mode.equals("all") || mode.equals("first-minute");
  }

  boolean measuresAsync() {
    return mode.equals("all") || mode.equals("async");
  }

  /** The closed-loop sync run: the maximum throughput, and the first minute's steady state. */
  boolean measuresClosedLoop() {
    return mode.equals("all") || mode.equals("sync") || mode.equals("first-minute");
  }

  boolean measuresFixedRate() {
    return mode.equals("all") || mode.equals("sync");
  }

  static String usage() {
    return """
        usage: signet bench [all|async|sync|first-minute|repair] [--requests N] [--concurrency C]
                            [--duration SECONDS] [--warmup SECONDS] [--rate R]
                            [--commit-interval-ms MS] [--partitions P]
          all           first-minute, then async, then sync (the default); ends with a summary table
          first-minute  right after the pipeline is ready, no warm-up: C closed-loop clients for 60 s,
                        requests/s in each 10 s; then the warm-up and a closed-loop run as the steady state
          async         produce N requests straight to the requests topic; time until all N receipts are in PostgreSQL
          sync          POST /v1/exchange with C clients: closed loop for the duration (maximum throughput),
                        then at a fixed offered rate R (default 90 % of the closed-loop figure) for the
                        duration, latencies from each request's intended start (coordinated omission corrected)
          repair        as sync's closed loop, but every request's arguments need the LLM repair: a model
                        stub on loopback answers each call after 200 ms with a correct repair
        Starts a fresh local pipeline in a temporary directory; talks only to 127.0.0.1.""";
  }
}
