package dev.signet.ingress.errors;

import dev.signet.core.error.ErrorCode;
import dev.signet.store.query.ReceiptStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every error of the HTTP API as {@code application/problem+json} with a stable {@code code}. */
@RestControllerAdvice
class ProblemAdvice {

  private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<byte[]> refused(ApiException e) {
    return Problems.response(e.code(), e.getMessage(), e.members());
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<byte[]> badParameter(MethodArgumentTypeMismatchException e) {
    Class<?> type = e.getRequiredType();
    String expected = type == int.class || type == Integer.class ? "an integer" : "a valid value";
    return Problems.response(ErrorCode.MALFORMED_REQUEST, e.getName() + " must be " + expected);
  }

  @ExceptionHandler({HttpMessageNotReadableException.class, MissingRequestHeaderException.class})
  ResponseEntity<byte[]> unreadable(Exception e) {
    return Problems.response(
        ErrorCode.MALFORMED_REQUEST, "the request body is missing or unreadable");
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<byte[]> mediaType(HttpMediaTypeNotSupportedException e) {
    return Problems.response(ErrorCode.MALFORMED_REQUEST, "send application/json");
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<byte[]> method(HttpRequestMethodNotSupportedException e) {
    return Problems.response(ErrorCode.NOT_FOUND, "no such operation: " + e.getMethod());
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<byte[]> notFound(NoResourceFoundException e) {
    return Problems.response(ErrorCode.NOT_FOUND, "no such resource");
  }

  /**
   * The store is down or has not created its schema yet: a dependency, so 503 and a retry, not a
   * bug.
   */
  @ExceptionHandler(ReceiptStoreException.class)
  ResponseEntity<byte[]> storeUnavailable(ReceiptStoreException e) {
    log.warn("receipt store unavailable: {} ({})", e.getMessage(), String.valueOf(e.getCause()));
    return Problems.response(
        ErrorCode.UNAVAILABLE, "the receipt store is unavailable; retry later");
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<byte[]> unexpected(Exception e) {
    log.error("unexpected error", e);
    return Problems.response(ErrorCode.INTERNAL, "internal error");
  }
}
