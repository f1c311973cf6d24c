package dev.signet.launcher.bench;

import java.time.Duration;

/**
 * {@code ./signet bench [async|sync|all|repair] [--requests N] [--concurrency C] [--duration S]
 * [--warmup S]}.
 */
record BenchOptions(
    String mode,
    int asyncRequests,
    int concurrency,
    Duration syncDuration,
    Duration warmup,
    int commitIntervalMs,
    int partitions) {

  static BenchOptions parse(String[] args) {
    String mode = "all";
    int requests = 200_000;
    int concurrency = 64;
    Duration duration = Duration.ofSeconds(30);
    Duration warmup = Duration.ofSeconds(30);
    int commitMs = 20;
    int partitions = 4;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "async", "sync", "all", "repair" -> mode = args[i];
        case "--requests" -> requests = Integer.parseInt(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(args[++i]));
        case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(args[++i]));
        case "--commit-interval-ms" -> commitMs = Integer.parseInt(args[++i]);
        case "--partitions" -> partitions = Integer.parseInt(args[++i]);
        case "-h", "--help" -> throw new IllegalArgumentException(usage());
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + usage());
      }
    }
    return new BenchOptions(mode, requests, concurrency, duration, warmup, commitMs, partitions);
  }

  static String usage() {
    return """
        usage: signet bench [async|sync|all|repair] [--requests N] [--concurrency C] [--duration SECONDS]
                                   [--warmup SECONDS] [--commit-interval-ms MS] [--partitions P]
          async   produce N requests straight to the requests topic; time until all N receipts are in PostgreSQL
          sync    POST /v1/exchange at concurrency C for the duration; throughput and latency percentiles
          all     async, then sync (the default)
          repair  as sync, but every request's arguments need the LLM repair: a model stub on loopback
                  answers each call after 200 ms with a correct repair
        Starts a fresh local pipeline in a temporary directory; talks only to 127.0.0.1.""";
  }
}
