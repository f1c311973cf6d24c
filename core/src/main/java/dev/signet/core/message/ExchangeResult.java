package dev.signet.core.message;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.error.Problem;
import dev.signet.core.json.RawJson;
import java.util.Objects;

/**
 * The outcome of one request, on the results topic: an HTTP-shaped status and body, so that ingress
 * can answer without interpreting it and async producers read the same thing. On success the body
 * is {@code {trace_id, normalized, policy, receipt, forwarded?}}; on rejection it is an RFC 9457
 * problem with a stable {@code code}.
 *
 * <p>On the wire (unchanged since the first release, read by async consumers): {@code {"status",
 * "trace_id"?, "code"?, "idempotency_hit", "body"}}, absent members omitted. The body travels as
 * the bytes it was written as (see {@link RawJson}).
 */
@JsonSerialize(using = ExchangeResultJson.Writer.class)
@JsonDeserialize(using = ExchangeResultJson.Reader.class)
public sealed interface ExchangeResult permits ExchangeResult.Accepted, ExchangeResult.Rejected {

  int status();

  /** Null only on a rejection of a record whose trace could not be determined. */
  String traceId();

  /** The stable error code of a rejection; null when accepted. */
  String code();

  /** Whether this is the stored answer to an earlier request with the same idempotency key. */
  boolean idempotencyHit();

  RawJson body();

  default boolean accepted() {
    return this instanceof Accepted;
  }

  /** The same answer, marked as given again for a retried idempotency key. */
  ExchangeResult asReplay();

  /**
   * Reads a results-topic value with a streaming parser: the top-level members are read, the body
   * is sliced out of {@code value} as it is, never turned into a tree (for readers that pass it
   * on).
   */
  static ExchangeResult fromWire(byte[] value) {
    return ExchangeResultJson.read(value);
  }

  /** A receipt was issued (or, on a replay, had been); the body holds it. */
  record Accepted(String traceId, boolean idempotencyHit, RawJson body) implements ExchangeResult {

    public static final int STATUS = 200;

    public Accepted {
      Objects.requireNonNull(traceId, "traceId");
      Objects.requireNonNull(body, "body");
    }

    @Override
    public int status() {
      return STATUS;
    }

    @Override
    public String code() {
      return null;
    }

    @Override
    public Accepted asReplay() {
      return new Accepted(traceId, true, body);
    }
  }

  /** No receipt: {@code body} is the problem document, {@code code} its stable code. */
  record Rejected(int status, String traceId, String code, boolean idempotencyHit, RawJson body)
      implements ExchangeResult {

    public Rejected {
      if (status == Accepted.STATUS) {
        throw new IllegalArgumentException("a rejection cannot have status " + status);
      }
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(body, "body");
    }

    /** The problem document of {@code code}, with the trace when known. */
    public static Rejected of(String traceId, ErrorCode code, String detail) {
      return withProblem(traceId, code, Problem.of(code, detail));
    }

    /** With a problem the caller built (extension members such as a list); adds the trace id. */
    public static Rejected withProblem(String traceId, ErrorCode code, ObjectNode problem) {
      if (traceId != null) {
        problem.put("trace_id", traceId);
      }
      return new Rejected(code.status(), traceId, code.name(), false, RawJson.of(problem));
    }

    @Override
    public Rejected asReplay() {
      return new Rejected(status, traceId, code, true, body);
    }
  }
}
