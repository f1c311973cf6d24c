package dev.signet.ingress.errors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.error.Problem;
import dev.signet.core.json.Json;
import dev.signet.ingress.trace.TraceHeaders;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Problem responses with the same body the processor writes for its rejections. */
public final class Problems {

  public static final MediaType PROBLEM_JSON = MediaType.parseMediaType(Problem.MEDIA_TYPE);

  private Problems() {}

  public static ResponseEntity<byte[]> response(ErrorCode code, String detail) {
    return response(code, detail, Map.of());
  }

  /** The problem with extension members; they never replace the standard ones. */
  public static ResponseEntity<byte[]> response(
      ErrorCode code, String detail, Map<String, Object> members) {
    return response(code, detail, members, Map.of(), Optional.empty());
  }

  /**
   * The problem with extension members, response headers and, when known, the trace id: as {@code
   * trace_id} in the body and in the trace headers, so a failed exchange can be retried or looked
   * up.
   */
  public static ResponseEntity<byte[]> response(
      ErrorCode code,
      String detail,
      Map<String, Object> members,
      Map<String, String> headers,
      Optional<String> traceId) {
    ObjectNode problem = Problem.of(code, detail);
    traceId.ifPresent(id -> problem.put("trace_id", id));
    members.forEach(
        (name, value) -> {
          if (!problem.has(name)) {
            problem.set(name, Json.tree(value));
          }
        });
    ResponseEntity.BodyBuilder response =
        ResponseEntity.status(code.status()).contentType(PROBLEM_JSON);
    headers.forEach(response::header);
    traceId.map(TraceHeaders::of).ifPresent(trace -> trace.forEach(response::header));
    if (code == ErrorCode.PAYLOAD_TOO_LARGE) {
      // The rest of an oversize upload is unread: the connection cannot carry another request.
      response.header("Connection", "close");
    }
    return response.body(Json.toBytes(problem));
  }
}
