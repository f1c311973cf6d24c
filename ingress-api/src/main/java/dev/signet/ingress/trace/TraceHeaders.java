package dev.signet.ingress.trace;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The trace id a response carries: in {@code X-SIGNET-Trace} and, for clients of the Python
 * original, the same value in {@code X-ODIN-Trace}. A controller that learns the trace id of its
 * request remembers it here, so that an error answered later still names it ({@code trace_id}).
 */
public final class TraceHeaders {

  public static final String TRACE_HEADER = "X-SIGNET-Trace";
  public static final String LEGACY_TRACE_HEADER = "X-ODIN-Trace";

  private static final String ATTRIBUTE = TraceHeaders.class.getName() + ".traceId";

  private TraceHeaders() {}

  /** Both trace headers with {@code traceId}. */
  public static Map<String, String> of(String traceId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(TRACE_HEADER, traceId);
    headers.put(LEGACY_TRACE_HEADER, traceId);
    return headers;
  }

  /** Records the trace id of {@code request}, for the problem of an error answered later. */
  public static void remember(HttpServletRequest request, String traceId) {
    request.setAttribute(ATTRIBUTE, traceId);
  }

  /** The trace id a controller recorded for {@code request}, if any. */
  public static Optional<String> known(HttpServletRequest request) {
    return Optional.ofNullable((String) request.getAttribute(ATTRIBUTE));
  }
}
