package dev.signet.ingress.errors;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.error.Problem;
import dev.signet.core.json.Json;
import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's own error page as a problem: what the container refuses before any servlet runs (a URI
 * with {@code %00} or an encoded slash, request headers over the limit) answers {@code
 * application/problem+json} with a {@code code}, like every other error, instead of Tomcat's HTML.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    ErrorCode code = ProblemErrorController.codeFor(status);
    String detail =
        code == ErrorCode.INTERNAL ? "internal error" : "the request was refused: " + code.title();
    try {
      response.setContentType(Problem.MEDIA_TYPE);
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(Json.toText(Problem.of(code, detail)));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The client is gone or the response is already being written: nothing left to tell.
    }
  }
}
