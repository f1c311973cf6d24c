package dev.signet.processor.repair;

import java.util.ArrayList;
import java.util.List;

/**
 * One task's own view of a tenant's FU in one month, beside billing's period total: the estimates
 * reserved for model calls in flight, and the tokens settled in the last moments, which billing's
 * total may not include yet. Settled tokens are kept per second and dropped after the settle
 * window.
 */
public record FuLedger(long reserved, List<Settled> settled) {

  /** Tokens settled within one second starting at {@code second} (epoch seconds). */
  public record Settled(long second, long tokens) {

    /** Whether any of this second lies within the window ending at {@code nowMs}. */
    boolean within(long nowMs, long windowMs) {
      return second * 1000 + 999 >= nowMs - windowMs;
    }
  }

  public static final FuLedger EMPTY = new FuLedger(0, List.of());

  public FuLedger {
    settled = List.copyOf(settled);
  }

  /** Reserved plus settled within the window ending at {@code nowMs}. */
  long counted(long nowMs, long windowMs) {
    long total = reserved;
    for (Settled s : settled) {
      if (s.within(nowMs, windowMs)) {
        total += s.tokens();
      }
    }
    return total;
  }

  FuLedger reserve(long tokens) {
    return new FuLedger(reserved + tokens, settled);
  }

  /** Releases the reservation and adds what was really spent; forgets what left the window. */
  FuLedger settle(long reservedTokens, long spent, long nowMs, long windowMs) {
    List<Settled> kept = new ArrayList<>();
    long second = Math.floorDiv(nowMs, 1000);
    boolean added = false;
    for (Settled s : settled) {
      if (!s.within(nowMs, windowMs)) {
        continue;
      }
      if (s.second() == second) {
        kept.add(new Settled(second, s.tokens() + spent));
        added = true;
      } else {
        kept.add(s);
      }
    }
    if (!added && spent > 0) {
      kept.add(new Settled(second, spent));
    }
    return new FuLedger(Math.max(0, reserved - reservedTokens), kept);
  }

  boolean isEmpty() {
    return reserved == 0 && settled.isEmpty();
  }
}
