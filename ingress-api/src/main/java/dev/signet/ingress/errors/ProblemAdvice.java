package dev.signet.ingress.errors;

import dev.signet.core.error.ErrorCode;
import dev.signet.ingress.trace.TraceHeaders;
import dev.signet.store.query.ReceiptStoreException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error of the HTTP API as {@code application/problem+json} with a stable {@code code}, and
 * the request's {@code trace_id} once a controller has learned it. Problems are written whatever
 * the {@code Accept} header says: a client that excluded JSON still gets to read why (RFC 9110
 * §15.5.7 allows a 406 body in a type the client did not ask for).
 */
@RestControllerAdvice
class ProblemAdvice {

  private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<byte[]> refused(ApiException e, HttpServletRequest request) {
    return problem(request, e.code(), e.getMessage(), e.members(), e.headers());
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<byte[]> badParameter(
      MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    Class<?> type = e.getRequiredType();
    String expected = type == int.class || type == Integer.class ? "an integer" : "a valid value";
    return problem(request, ErrorCode.MALFORMED_REQUEST, e.getName() + " must be " + expected);
  }

  @ExceptionHandler({HttpMessageNotReadableException.class, MissingRequestHeaderException.class})
  ResponseEntity<byte[]> unreadable(Exception e, HttpServletRequest request) {
    return problem(
        request, ErrorCode.MALFORMED_REQUEST, "the request body is missing or unreadable");
  }

  /** Tomcat could not decode a query parameter (invalid percent-encoding or UTF-8). */
  @ExceptionHandler(InvalidParameterException.class)
  ResponseEntity<byte[]> undecodable(InvalidParameterException e, HttpServletRequest request) {
    return problem(
        request,
        ErrorCode.MALFORMED_REQUEST,
        "the query string is not valid percent-encoded UTF-8");
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<byte[]> mediaType(
      HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
    return problem(request, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send application/json");
  }

  @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
  ResponseEntity<byte[]> notAcceptable(
      HttpMediaTypeNotAcceptableException e, HttpServletRequest request) {
    String offered =
        e.getSupportedMediaTypes().isEmpty()
            ? "application/json"
            : e.getSupportedMediaTypes().stream()
                .map(Object::toString)
                .collect(Collectors.joining(", "));
    return problem(
        request,
        ErrorCode.NOT_ACCEPTABLE,
        "this resource is served as " + offered + "; errors as application/problem+json");
  }

  /** 405, not 404: the resource exists; {@code Allow} names what it answers to. */
  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<byte[]> method(
      HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
    Set<HttpMethod> allowed = e.getSupportedHttpMethods();
    String allow =
        allowed == null
            ? ""
            : allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
    return problem(
        request,
        ErrorCode.METHOD_NOT_ALLOWED,
        e.getMethod() + " is not allowed here" + (allow.isEmpty() ? "" : "; use " + allow),
        Map.of(),
        Map.of(HttpHeaders.ALLOW, allow));
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<byte[]> notFound(NoResourceFoundException e, HttpServletRequest request) {
    return problem(request, ErrorCode.NOT_FOUND, "no such resource");
  }

  /**
   * The store is down or has not created its schema yet: a dependency, so 503 and a retry, not a
   * bug.
   */
  @ExceptionHandler(ReceiptStoreException.class)
  ResponseEntity<byte[]> storeUnavailable(ReceiptStoreException e, HttpServletRequest request) {
    log.warn("receipt store unavailable: {} ({})", e.getMessage(), String.valueOf(e.getCause()));
    return problem(request, ErrorCode.UNAVAILABLE, "the receipt store is unavailable; retry later");
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<byte[]> unexpected(Exception e, HttpServletRequest request) {
    log.error("unexpected error", e);
    return problem(request, ErrorCode.INTERNAL, "internal error");
  }

  private static ResponseEntity<byte[]> problem(
      HttpServletRequest request, ErrorCode code, String detail) {
    return problem(request, code, detail, Map.of(), Map.of());
  }

  private static ResponseEntity<byte[]> problem(
      HttpServletRequest request,
      ErrorCode code,
      String detail,
      Map<String, Object> members,
      Map<String, String> headers) {
    return Problems.response(code, detail, members, headers, TraceHeaders.known(request));
  }
}
