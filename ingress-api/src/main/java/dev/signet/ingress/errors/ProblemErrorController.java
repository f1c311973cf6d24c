package dev.signet.ingress.errors;

import dev.signet.core.error.ErrorCode;
import dev.signet.ingress.trace.TraceHeaders;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page ({@code /error}) as a problem too, in place of Spring Boot's JSON
 * error body: what fails outside the controllers (a filter, the servlet container's own refusals)
 * still answers {@code application/problem+json} with a {@code code}.
 */
@Hidden
@RestController
class ProblemErrorController implements ErrorController {

  @RequestMapping("${server.error.path:/error}")
  ResponseEntity<byte[]> error(HttpServletRequest request) {
    if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof ApiException refused) {
      return Problems.response(
          refused.code(),
          refused.getMessage(),
          refused.members(),
          refused.headers(),
          TraceHeaders.known(request));
    }
    // Asked for directly, without an error to render: there is no such resource.
    int status =
        request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
            ? code
            : 404;
    ErrorCode code = codeFor(status);
    return Problems.response(
        code,
        code == ErrorCode.INTERNAL ? "internal error" : code.title(),
        Map.of(),
        Map.of(),
        TraceHeaders.known(request));
  }

  /** The code of a status the container set; its generic client or server error otherwise. */
  static ErrorCode codeFor(int status) {
    return switch (status) {
      case 400 -> ErrorCode.MALFORMED_REQUEST;
      case 401 -> ErrorCode.AUTH_MISSING;
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 406 -> ErrorCode.NOT_ACCEPTABLE;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 429 -> ErrorCode.RATE_LIMITED;
      case 503 -> ErrorCode.UNAVAILABLE;
      case 504 -> ErrorCode.TIMEOUT;
      default -> status >= 400 && status < 500 ? ErrorCode.MALFORMED_REQUEST : ErrorCode.INTERNAL;
    };
  }
}
