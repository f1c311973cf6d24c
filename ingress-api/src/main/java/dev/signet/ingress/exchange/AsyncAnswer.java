package dev.signet.ingress.exchange;

import dev.signet.core.error.ErrorCode;
import dev.signet.ingress.errors.Problems;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;

/**
 * Answers a request whose handler returned before its answer existed, through the servlet's own
 * async context rather than Spring MVC's async dispatch: MVC would send each answer a second time
 * through the filters, the dispatcher, the handler adapter and the message converters, which cost a
 * measurable share of the CPU of every exchange (README, "Performance"). The answer is written on a
 * container thread ({@link AsyncContext#start}), never on the thread that completed it (the reply
 * listener's), so a slow client cannot hold up other callers' replies.
 */
final class AsyncAnswer {

  private static final Logger log = LoggerFactory.getLogger(AsyncAnswer.class);

  /** Beyond the answer's own deadline: only a bug leaves a request open this long. */
  private static final Duration MARGIN = Duration.ofSeconds(5);

  private AsyncAnswer() {}

  /**
   * Puts the request in async mode and writes {@code answer} once it completes. {@code deadline} is
   * when {@code answer} completes at the latest (with an answer of its own, such as a 504).
   */
  static void send(
      AsyncContext async, Duration deadline, CompletionStage<ResponseEntity<byte[]>> answer) {
    async.setTimeout(deadline.plus(MARGIN).toMillis());
    answer.whenComplete(
        (entity, error) -> {
          if (error != null) {
            log.error("no answer could be built for an exchange", error);
          }
          ResponseEntity<byte[]> written =
              error == null ? entity : Problems.response(ErrorCode.INTERNAL, "internal error");
          try {
            async.start(() -> write(async, written));
          } catch (IllegalStateException clientGone) {
            // The container already ended the request (the client disconnected): nobody to answer.
          }
        });
  }

  private static void write(AsyncContext async, ResponseEntity<byte[]> entity) {
    HttpServletResponse response = (HttpServletResponse) async.getResponse();
    try {
      response.setStatus(entity.getStatusCode().value());
      entity
          .getHeaders()
          .forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
      byte[] body = entity.getBody();
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    } catch (IOException clientGone) {
      // The client closed the connection while being answered: nothing is lost, the exchange is
      // settled and a retry with the same idempotency key gets the same answer.
    } finally {
      async.complete();
    }
  }
}
