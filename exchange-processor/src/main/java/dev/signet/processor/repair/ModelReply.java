package dev.signet.processor.repair;

/** What one {@link ModelClient#repair} call came to. */
public sealed interface ModelReply {

  /**
   * A completed call: the reply text as the model wrote it (unchecked) and its {@code
   * total_tokens}, which are billed whatever the reply is worth.
   */
  record Replied(String content, long totalTokens, String model, int attempts)
      implements ModelReply {}

  /**
   * No call completed after the retries: nothing is billed.
   *
   * @param errorCode {@code MODEL_TIMEOUT}, {@code MODEL_HTTP_<status>}, {@code MODEL_UNREACHABLE}
   *     or {@code MODEL_ERROR}
   */
  record Failed(String errorCode, String detail, int attempts) implements ModelReply {}
}
