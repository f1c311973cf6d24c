package dev.signet.processor.egress;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/** The outcome of {@link EgressPolicy#resolve}: where the target may be dialled, or a denial. */
public sealed interface Resolution permits Resolution.Allowed, Denied {

  /**
   * Every answer was checked and may be dialled; the forwarder dials {@code pinned} and nothing
   * else, and never resolves the host again (a second lookup is a DNS-rebinding hole).
   *
   * @param answers every address of the one resolution (the literal itself for an IP literal)
   * @param pinned the address to dial: the first answer, in the resolver's order
   */
  record Allowed(EgressTarget target, List<InetAddress> answers, InetAddress pinned)
      implements Resolution {
    public Allowed {
      Objects.requireNonNull(target, "target");
      answers = List.copyOf(answers);
      Objects.requireNonNull(pinned, "pinned");
      if (!answers.contains(pinned)) {
        throw new IllegalArgumentException("pinned address must be one of the answers");
      }
    }
  }
}
