package dev.signet.launcher.chaos;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Random;

/**
 * What {@code signet chaos} was asked for: how many exchanges, the seed every random choice comes
 * from (faults, traces, duplicates, poison), how many exchanges are in flight at once and where the
 * run keeps its data and logs.
 */
public record ChaosOptions(int exchanges, long seed, int concurrency, Path runDir) {

  static final int DEFAULT_EXCHANGES = 100_000;

  /**
   * Exchanges in flight at once. A sync exchange holds its client for a round trip through Kafka
   * and the processor, mostly waiting: with 8 clients a run was bound by that wait (about 28/s on 2
   * cores), not by the pipeline.
   */
  static final int DEFAULT_CONCURRENCY = 48;

  static final String USAGE =
      "usage: signet chaos [--exchanges N] [--seed S] [--concurrency C] [--run-dir DIR]  (default"
          + " 100000 exchanges, a random seed, 48 in flight, a new directory under"
          + " $SP_DATA_DIR/chaos)";

  public ChaosOptions {
    if (exchanges < 100) {
      throw new IllegalArgumentException("--exchanges must be at least 100, got " + exchanges);
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("--concurrency must be at least 1, got " + concurrency);
    }
    Objects.requireNonNull(runDir, "runDir");
  }

  /** Parses the command line; {@code dataDir} holds the default run directory. */
  static ChaosOptions parse(String[] args, Path dataDir) {
    int exchanges = DEFAULT_EXCHANGES;
    long seed = new Random().nextLong() & Long.MAX_VALUE;
    int concurrency = DEFAULT_CONCURRENCY;
    Path runDir = null;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value; " + USAGE);
      }
      String value = args[++i];
      try {
        switch (name) {
          case "--exchanges" -> exchanges = Integer.parseInt(value.replace("_", ""));
          case "--seed" -> seed = Long.parseLong(value);
          case "--concurrency" -> concurrency = Integer.parseInt(value);
          case "--run-dir" -> runDir = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + name + "; " + USAGE);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " is not a number: " + value, e);
      }
    }
    if (runDir == null) {
      runDir = dataDir.resolve("chaos").resolve("seed-" + seed + "-" + System.currentTimeMillis());
    }
    return new ChaosOptions(exchanges, seed, concurrency, runDir);
  }
}
