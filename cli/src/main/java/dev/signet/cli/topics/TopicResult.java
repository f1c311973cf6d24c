package dev.signet.cli.topics;

import java.util.Objects;

/** What {@link TopicApplier} did, or found, for one topic. */
public record TopicResult(String topic, Action action, String detail) {

  /** From best to worst; a topic's result is the worst thing found. */
  public enum Action {
    /** Exists with the wanted partition count and configs. */
    UNCHANGED,
    /** Was missing and is now created. */
    CREATED,
    /** Is missing; a dry run (or a run stopped by an error elsewhere) left it so. */
    MISSING,
    /** Exists but differs in something that is left as it is (never altered, never shrunk). */
    WARNING,
    /** Exists with a partition count that would move traces: nothing was created. */
    ERROR
  }

  public TopicResult {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(detail, "detail");
  }
}
