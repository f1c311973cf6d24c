package dev.signet.processor.repair;

import dev.signet.core.message.RepairOutcome;
import dev.signet.core.message.RepairRequest;
import java.time.Duration;
import java.time.Instant;

/** The outcome recorded for one model reply. */
final class RepairOutcomes {

  private RepairOutcomes() {}

  static RepairOutcome of(RepairRequest request, ModelReply reply, Duration took, Instant at) {
    if (reply instanceof ModelReply.Replied replied && replied.content() != null) {
      return new RepairOutcome(
          request.repairId(),
          request.traceId(),
          request.tenant(),
          RepairOutcome.Status.REPLIED,
          replied.content(),
          Math.max(0, replied.totalTokens()),
          replied.model(),
          replied.attempts(),
          null,
          null,
          took.toMillis(),
          at.toString());
    }
    String errorCode;
    String error;
    int attempts;
    if (reply instanceof ModelReply.Failed failed) {
      errorCode = failed.errorCode();
      error = failed.detail();
      attempts = failed.attempts();
    } else {
      // A reply without content is no usable call; the contract says it never happens.
      errorCode = "MODEL_ERROR";
      error = "the model client replied without content";
      attempts = reply instanceof ModelReply.Replied replied ? replied.attempts() : 0;
    }
    return new RepairOutcome(
        request.repairId(),
        request.traceId(),
        request.tenant(),
        RepairOutcome.Status.FAILED,
        null,
        0,
        null,
        attempts,
        errorCode,
        error,
        took.toMillis(),
        at.toString());
  }
}
