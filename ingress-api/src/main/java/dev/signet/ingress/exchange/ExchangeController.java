package dev.signet.ingress.exchange;

import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.trace.TraceIds;
import dev.signet.ingress.auth.Authenticator;
import dev.signet.ingress.auth.Scopes;
import dev.signet.ingress.body.BoundedBody;
import dev.signet.ingress.errors.ApiException;
import dev.signet.ingress.errors.Problems;
import dev.signet.ingress.trace.TraceHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/exchange}: authenticate, check limits and the idempotency key, publish to the
 * requests topic and answer with the processor's result. The servlet thread is released while the
 * exchange travels through Kafka.
 */
@RestController
class ExchangeController {

  static final String IDEMPOTENCY_HEADER = "X-SIGNET-Idempotency-Key";
  static final String LEGACY_IDEMPOTENCY_HEADER = "X-ODIN-Idempotency-Key";
  static final String IDEMPOTENCY_HIT_HEADER = "X-SIGNET-Idempotency-Hit";

  private final Authenticator authenticator;
  private final RateLimiter rateLimiter;
  private final ExchangeGateway gateway;
  private final BoundedBody bodies;
  private final Admission admission;
  private final TraceIds traceIds;
  private final Timer latency;

  ExchangeController(
      Authenticator authenticator,
      RateLimiter rateLimiter,
      ExchangeGateway gateway,
      BoundedBody bodies,
      Admission admission,
      TraceIds traceIds,
      MeterRegistry meters) {
    this.admission = admission;
    this.traceIds = traceIds;
    this.authenticator = authenticator;
    this.rateLimiter = rateLimiter;
    this.gateway = gateway;
    this.bodies = bodies;
    this.latency =
        Timer.builder("signet_ingress_exchange_seconds")
            .description("POST /v1/exchange latency")
            .publishPercentileHistogram()
            .register(meters);
  }

  @PostMapping(
      path = "/v1/exchange",
      consumes = MediaType.ALL_VALUE,
      produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
  CompletableFuture<ResponseEntity<byte[]>> exchange(HttpServletRequest request) {
    long started = System.nanoTime();
    Authenticator.Caller caller = authenticator.authenticate(request, Scopes.EXCHANGE);
    RateLimiter.Outcome rate = rateLimiter.tryAcquire(caller.tenant().tenant());
    if (rate instanceof RateLimiter.Limited limited) {
      throw new ApiException(
          ErrorCode.RATE_LIMITED,
          "slow down: at most "
              + rateLimiter.perSecond()
              + " requests/s per tenant; retry in "
              + limited.retryAfterSeconds()
              + " s",
          Map.of("retry_after", limited.retryAfterSeconds()),
          limited.headers());
    }
    String idempotencyKey =
        Authenticator.header(request, IDEMPOTENCY_HEADER, LEGACY_IDEMPOTENCY_HEADER);
    if (idempotencyKey == null) {
      throw new ApiException(
          ErrorCode.IDEMPOTENCY_KEY_MISSING,
          "send a unique " + IDEMPOTENCY_HEADER + " with every exchange");
    }
    Admission.checkIdempotencyKey(idempotencyKey).ifPresent(ExchangeController::refuse);
    // Only now, with the caller known and its headers checked, is the body read: bounded.
    byte[] body = bodies.read(request);
    String traceId = traceId(admission.admit(body), caller.tenant().tenant(), idempotencyKey);
    TraceHeaders.remember(request, traceId);
    return gateway
        .submit(traceId, body, caller.apiKey(), idempotencyKey)
        .handle(
            (result, error) -> {
              latency.record(
                  System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
              return error == null
                  ? respond(result, rate.headers())
                  : failure(error, traceId, rate.headers());
            });
  }

  /**
   * The trace id the request is keyed by: the body's, or one derived from (tenant, idempotency key)
   * with the server secret, so that a retry lands on the same partition as the original and finds
   * its result, and nobody else can compute it in advance. The admission rules are the processor's
   * own, so an HTTP caller and an async producer get the same answers.
   */
  private String traceId(Admission.Outcome admitted, String tenant, String idempotencyKey) {
    if (admitted instanceof Admission.Refused refused) {
      refuse(refused);
    }
    String traceId = ((Admission.Admitted) admitted).request().traceId();
    return traceId != null ? traceId : traceIds.derive(tenant, idempotencyKey);
  }

  private static void refuse(Admission.Refused refused) {
    throw new ApiException(refused.code(), refused.detail());
  }

  /** The processor's answer as it is: its status, its body's bytes, JSON or a problem. */
  private static ResponseEntity<byte[]> respond(
      ExchangeResult result, Map<String, String> rateHeaders) {
    MediaType type =
        result instanceof ExchangeResult.Accepted
            ? MediaType.APPLICATION_JSON
            : Problems.PROBLEM_JSON;
    ResponseEntity.BodyBuilder response = ResponseEntity.status(result.status()).contentType(type);
    rateHeaders.forEach(response::header);
    if (result.traceId() != null) {
      TraceHeaders.of(result.traceId()).forEach(response::header);
    }
    if (result.idempotencyHit()) {
      response.header(IDEMPOTENCY_HIT_HEADER, "1");
    }
    return response.body(result.body().bytes());
  }

  private static ResponseEntity<byte[]> failure(
      Throwable error, String traceId, Map<String, String> rateHeaders) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof TimeoutException) {
      return Problems.response(
          ErrorCode.TIMEOUT,
          "no result in time; retry with the same idempotency key to get the outcome without a second receipt",
          Map.of(),
          rateHeaders,
          Optional.of(traceId));
    }
    return Problems.response(
        ErrorCode.UNAVAILABLE,
        "the pipeline is unavailable; retry with the same idempotency key",
        Map.of(),
        rateHeaders,
        Optional.of(traceId));
  }
}
