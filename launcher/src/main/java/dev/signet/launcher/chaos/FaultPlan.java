package dev.signet.launcher.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Which faults a chaos run injects and when, derived from the seed alone so that a failing run can
 * be repeated: each service is killed with SIGKILL {@link #killsPerService} times, the broker is
 * restarted once (controlled shutdown) and killed with SIGKILL once (no shutdown: its logs are
 * recovered at start, and whatever it had not written is gone), PostgreSQL is stopped once for
 * {@link #postgresOutage}, and the forward target is slow (answers after the forward timeout) once
 * for {@link #slowForward}. A fault's moment is the number of exchanges started before it, spread
 * over the middle of the run (5 %–90 %), so that load is in flight when it hits and the run's tail
 * shows recovery.
 */
public record FaultPlan(List<Fault> faults) {

  /** The parts the chaos run disturbs: child JVMs, and the forward target it serves itself. */
  enum Target {
    INGRESS("ingress"),
    PROCESSOR_1("processor-1"),
    PROCESSOR_2("processor-2"),
    RECEIPT_STORE("receipt-store"),
    BILLING("billing"),
    BROKER("broker"),
    POSTGRES("postgres"),
    FORWARD_TARGET("forward target");

    private final String label;

    Target(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  enum Kind {
    /**
     * SIGKILL, then start again at once with the same state directory and instance id (for the
     * broker: the same log directory).
     */
    KILL,
    /** Stop the broker (controlled shutdown) and start it again on the same log directory. */
    RESTART,
    /** Stop PostgreSQL, wait {@link Fault#outage()}, start it again. */
    OUTAGE,
    /** The forward target holds its answers past the forward timeout for {@link Fault#outage()}. */
    SLOW
  }

  /** One fault, injected once {@code atExchange} exchanges have been started. */
  record Fault(int atExchange, Kind kind, Target target, Duration outage) {
    Fault {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(outage, "outage");
    }

    String describe() {
      return switch (kind) {
        case KILL -> "kill -9 " + target.label();
        case RESTART -> "restart " + target.label();
        case OUTAGE -> target.label() + " down " + outage.toSeconds() + " s";
        case SLOW -> target.label() + " slow " + outage.toSeconds() + " s";
      };
    }
  }

  static final Duration FULL_POSTGRES_OUTAGE = Duration.ofSeconds(60);
  static final Duration FULL_SLOW_FORWARD = Duration.ofSeconds(30);
  static final Duration MIN_SLOW_FORWARD = Duration.ofSeconds(8);
  static final Duration MIN_POSTGRES_OUTAGE = Duration.ofSeconds(5);
  static final int FULL_RUN = 100_000;

  public FaultPlan {
    faults = List.copyOf(faults);
  }

  /**
   * The faults of a run of {@code exchanges} exchanges with this seed, in order of their moment.
   */
  static FaultPlan of(long seed, int exchanges) {
    Random random = new Random(seed);
    int from = exchanges / 20;
    int span = exchanges * 9 / 10 - from;
    List<Fault> faults = new ArrayList<>();
    int kills = killsPerService(exchanges);
    for (Target target :
        List.of(
            Target.INGRESS,
            Target.PROCESSOR_1,
            Target.PROCESSOR_2,
            Target.RECEIPT_STORE,
            Target.BILLING)) {
      for (int k = 0; k < kills; k++) {
        faults.add(new Fault(from + random.nextInt(span), Kind.KILL, target, Duration.ZERO));
      }
    }
    faults.add(new Fault(from + random.nextInt(span), Kind.RESTART, Target.BROKER, Duration.ZERO));
    faults.add(
        new Fault(
            from + random.nextInt(span), Kind.OUTAGE, Target.POSTGRES, postgresOutage(exchanges)));
    // Drawn after the others, so that adding it left their moments for a seed as they were.
    faults.add(new Fault(from + random.nextInt(span), Kind.KILL, Target.BROKER, Duration.ZERO));
    faults.add(
        new Fault(
            from + random.nextInt(span), Kind.SLOW, Target.FORWARD_TARGET, slowForward(exchanges)));
    faults.sort(Comparator.comparingInt(Fault::atExchange));
    return new FaultPlan(faults);
  }

  /** Three kills per service on a full run, one on a small one (under 10k exchanges). */
  static int killsPerService(int exchanges) {
    return exchanges >= 10_000 ? 3 : 1;
  }

  /** 30 s on a full run, scaled down with the run's size, never under 8 s. */
  static Duration slowForward(int exchanges) {
    long millis = FULL_SLOW_FORWARD.toMillis() * Math.min(exchanges, FULL_RUN) / FULL_RUN;
    return Duration.ofMillis(Math.max(MIN_SLOW_FORWARD.toMillis(), millis));
  }

  /** 60 s on a full run, scaled down with the run's size, never under 5 s. */
  static Duration postgresOutage(int exchanges) {
    long millis = FULL_POSTGRES_OUTAGE.toMillis() * Math.min(exchanges, FULL_RUN) / FULL_RUN;
    return Duration.ofMillis(Math.max(MIN_POSTGRES_OUTAGE.toMillis(), millis));
  }
}
