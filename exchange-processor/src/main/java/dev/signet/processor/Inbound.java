package dev.signet.processor;

import dev.signet.core.message.ExchangeResult;
import dev.signet.core.message.ForwardOutcome;
import dev.signet.core.message.RepairOutcome;

/**
 * A request record after the intake node: what the split behind it routes on. Each carries the
 * record's original bytes, which a re-routed record and a dead letter keep exactly as they came.
 */
sealed interface Inbound {

  byte[] original();

  /** Authenticated, admitted and on its trace's partition: on to the exchange. */
  record Ready(RequestIntake.Ready request, byte[] original) implements Inbound {}

  /**
   * Answered with {@code result} before any state was read; when {@code parkReason} is set the
   * original record also goes to the dead-letter topic (poison, or a bug while reading it).
   */
  record Refused(ExchangeResult.Rejected result, String parkReason, byte[] original)
      implements Inbound {}

  /**
   * The repair worker's authenticated outcome for an exchange parked while the model repaired it:
   * on to the exchange node, which goes on with that exchange.
   */
  record Repaired(RepairOutcome outcome, byte[] original) implements Inbound {}

  /** The forward worker's authenticated outcome for an exchange parked while it was forwarded. */
  record Forwarded(ForwardOutcome outcome, byte[] original) implements Inbound {}

  /** Admitted, but it landed on {@code landedOn}, not its trace's partition: sent home once. */
  record OffHome(String traceId, int landedOn, byte[] original) implements Inbound {}
}
