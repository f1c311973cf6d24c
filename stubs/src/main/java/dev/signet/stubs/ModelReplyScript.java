package dev.signet.stubs;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link ModelStub} does with one chat-completion call: answer with content, answer with an
 * HTTP error status, or drop the connection, optionally after a delay.
 */
public sealed interface ModelReplyScript {

  /** Token counts the stub reports in {@code usage}. */
  record Usage(long promptTokens, long completionTokens) {
    public Usage {
      if (promptTokens < 0 || completionTokens < 0) {
        throw new IllegalArgumentException("token counts must not be negative");
      }
    }

    public long totalTokens() {
      return promptTokens + completionTokens;
    }
  }

  /**
   * A 200 chat completion whose first choice carries {@code content}.
   *
   * @param usage reported token counts, or null to omit {@code usage} from the reply
   * @param model the model named in the reply, or null to echo the request's model
   */
  record Content(String content, Usage usage, String model) implements ModelReplyScript {
    public Content {
      Objects.requireNonNull(content, "content");
    }
  }

  /** An error status with an OpenAI-shaped error body and the given extra headers. */
  record Status(int status, Map<String, String> headers) implements ModelReplyScript {
    public Status {
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("an error status is 4xx or 5xx: " + status);
      }
      headers = Map.copyOf(headers);
    }
  }

  /** Closes the connection without writing a response. */
  record Drop() implements ModelReplyScript {}

  /** Waits {@code delay}, then does {@code then}. */
  record Delayed(Duration delay, ModelReplyScript then) implements ModelReplyScript {
    public Delayed {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(then, "then");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative");
      }
    }
  }

  /** Default usage of scripted replies: 40 prompt and 12 completion tokens, 52 in total. */
  Usage DEFAULT_USAGE = new Usage(40, 12);

  static ModelReplyScript content(String content) {
    return new Content(content, DEFAULT_USAGE, null);
  }

  static ModelReplyScript content(String content, long promptTokens, long completionTokens) {
    return new Content(content, new Usage(promptTokens, completionTokens), null);
  }

  /** A 200 reply whose {@code usage} is missing, as some compatible servers send. */
  static ModelReplyScript contentWithoutUsage(String content) {
    return new Content(content, null, null);
  }

  /**
   * The repairing behaviour: answers with the fixed JSON text {@code json}, whatever was asked.
   * Same as {@link #content(String)}, named for what the tests mean by it.
   */
  static ModelReplyScript repairing(String json) {
    return content(json);
  }

  static ModelReplyScript status(int status) {
    return new Status(status, Map.of());
  }

  /** A 429 with {@code Retry-After} in whole seconds. */
  static ModelReplyScript rateLimited(Duration retryAfter) {
    return new Status(429, Map.of("Retry-After", Long.toString(retryAfter.toSeconds())));
  }

  static ModelReplyScript drop() {
    return new Drop();
  }

  /** This reply, sent after {@code delay}. */
  default ModelReplyScript after(Duration delay) {
    return new Delayed(delay, this);
  }
}
