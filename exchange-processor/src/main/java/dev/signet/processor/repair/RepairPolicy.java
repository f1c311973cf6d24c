package dev.signet.processor.repair;

import java.time.Duration;
import java.util.Objects;

/**
 * What the processor needs to know of the model rung: whether a model is configured at all, the
 * completion tokens a call may spend (the bulk of its quota estimate), and how long this task
 * counts its own settled tokens beside billing's period total (see {@link FuQuota}).
 */
public record RepairPolicy(
    boolean modelAvailable, long maxCompletionTokens, Duration quotaSettleWindow) {

  /** Tokens a prompt is assumed to need beyond the arguments, schema and failure texts. */
  static final long PROMPT_OVERHEAD_TOKENS = 300;

  public static final Duration DEFAULT_SETTLE_WINDOW = Duration.ofSeconds(2);

  /** No model configured: every repair that needs one is refused. */
  public static RepairPolicy none() {
    return new RepairPolicy(false, 0, DEFAULT_SETTLE_WINDOW);
  }

  public RepairPolicy {
    Objects.requireNonNull(quotaSettleWindow, "quotaSettleWindow");
    if (maxCompletionTokens < 0) {
      throw new IllegalArgumentException("maxCompletionTokens is never negative");
    }
  }

  /**
   * The tokens reserved for one call: its texts at about three characters per token (JSON is denser
   * than prose), the prompt's own overhead, and every completion token it may spend. The real count
   * settles it.
   */
  public long estimate(String arguments, String schema, String failure) {
    long characters = arguments.length() + schema.length() + failure.length();
    return characters / 3 + PROMPT_OVERHEAD_TOKENS + maxCompletionTokens;
  }
}
