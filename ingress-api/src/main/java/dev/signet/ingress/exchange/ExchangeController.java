package dev.signet.ingress.exchange;

import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.message.ExchangeResult;
import dev.signet.core.trace.TraceIds;
import dev.signet.ingress.auth.Authenticator;
import dev.signet.ingress.auth.Scopes;
import dev.signet.ingress.body.BoundedBody;
import dev.signet.ingress.config.IngressProperties;
import dev.signet.ingress.docs.Refusals;
import dev.signet.ingress.errors.ApiException;
import dev.signet.ingress.errors.Problems;
import dev.signet.ingress.trace.TraceHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/exchange}: authenticate, check limits and the idempotency key, publish to the
 * requests topic and answer with the processor's result. The servlet thread is released while the
 * exchange travels through Kafka; the answer is written by {@link AsyncAnswer}.
 */
@RestController
@Tag(name = "exchanges")
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
  private final Duration replyTimeout;

  ExchangeController(
      Authenticator authenticator,
      RateLimiter rateLimiter,
      ExchangeGateway gateway,
      BoundedBody bodies,
      Admission admission,
      TraceIds traceIds,
      IngressProperties properties,
      MeterRegistry meters) {
    this.replyTimeout = properties.replyTimeout();
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

  @Operation(
      summary = "Verify an exchange and sign its receipt",
      description =
          "Validates the payload against payload_type's schema, normalises it into target_type,"
              + " optionally repairs and forwards it, and appends a signed receipt to the trace's"
              + " chain. Idempotent per (tenant, idempotency key): a retry returns the original"
              + " answer with X-SIGNET-Idempotency-Hit: 1; the same key with another body is 409"
              + " IDEMPOTENCY_CONFLICT. Without trace_id the trace is derived from tenant and"
              + " idempotency key. A trace belongs to one tenant: continuing another tenant's"
              + " trace is 403 TRACE_FORBIDDEN. 504 TIMEOUT and 503 UNAVAILABLE are safe to retry"
              + " with the same idempotency key.",
      security = @SecurityRequirement(name = "apiKey", scopes = "exchange"),
      parameters = {
        @Parameter(
            name = IDEMPOTENCY_HEADER,
            in = ParameterIn.HEADER,
            required = true,
            description =
                "Unique per exchange and tenant; 1 to 255 visible ASCII characters."
                    + " X-ODIN-Idempotency-Key is accepted too.",
            schema = @Schema(type = "string", minLength = 1, maxLength = 255, pattern = "^[!-~]+$"))
      },
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              description =
                  "At most SP_MAX_BODY_BYTES bytes and SP_MAX_JSON_DEPTH levels; no duplicate"
                      + " members; numbers must have an exact JSON form.",
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(ref = "#/components/schemas/ExchangeRequest"))),
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "Verified and signed (or, on a retry, the original answer).",
              headers = {
                @Header(
                    name = TraceHeaders.TRACE_HEADER,
                    description = "The trace id.",
                    schema = @Schema(type = "string")),
                @Header(
                    name = TraceHeaders.LEGACY_TRACE_HEADER,
                    description = "The trace id, for clients of the Python original.",
                    schema = @Schema(type = "string")),
                @Header(
                    name = IDEMPOTENCY_HIT_HEADER,
                    description = "1 when this is the stored answer to an earlier request.",
                    schema = @Schema(type = "string", allowableValues = "1")),
                @Header(
                    name = "RateLimit-Limit",
                    description = "With SP_RATE_LIMIT_PER_SECOND: the tenant's limit.",
                    schema = @Schema(type = "integer")),
                @Header(
                    name = "RateLimit-Remaining",
                    description = "With SP_RATE_LIMIT_PER_SECOND: requests left now.",
                    schema = @Schema(type = "integer"))
              },
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(ref = "#/components/schemas/ExchangeResponse"))))
  @Refusals({
    ErrorCode.MALFORMED_REQUEST,
    ErrorCode.IDEMPOTENCY_KEY_MISSING,
    ErrorCode.IDEMPOTENCY_KEY_INVALID,
    ErrorCode.TRACE_ID_INVALID,
    ErrorCode.AUTH_MISSING,
    ErrorCode.AUTH_INVALID,
    ErrorCode.SCOPE_MISSING,
    ErrorCode.TRACE_FORBIDDEN,
    ErrorCode.HEL_URL_INVALID,
    ErrorCode.HEL_SCHEME_NOT_HTTPS,
    ErrorCode.HEL_USERINFO_NOT_ALLOWED,
    ErrorCode.HEL_HOST_NOT_ALLOWED,
    ErrorCode.HEL_PORT_NOT_ALLOWED,
    ErrorCode.HEL_NO_RESOLUTION,
    ErrorCode.HEL_RESOLVED_PRIVATE,
    ErrorCode.HEL_RESOLVED_LOOPBACK,
    ErrorCode.HEL_RESOLVED_LINKLOCAL,
    ErrorCode.HEL_RESOLVED_RESERVED,
    ErrorCode.NOT_ACCEPTABLE,
    ErrorCode.IDEMPOTENCY_CONFLICT,
    ErrorCode.IDEMPOTENCY_IN_PROGRESS,
    ErrorCode.CHAIN_CONFLICT,
    ErrorCode.CHAIN_TOO_LONG,
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    ErrorCode.NUMBER_OUT_OF_RANGE,
    ErrorCode.SCHEMA_INVALID,
    ErrorCode.UNSUPPORTED_MAPPING,
    ErrorCode.REPAIR_FAILED,
    ErrorCode.SEMANTIC_VIOLATION,
    ErrorCode.RATE_LIMITED,
    ErrorCode.FU_QUOTA_EXCEEDED,
    ErrorCode.UNAVAILABLE,
    ErrorCode.TIMEOUT
  })
  @PostMapping(
      path = "/v1/exchange",
      consumes = MediaType.ALL_VALUE,
      produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
  void exchange(HttpServletRequest request, HttpServletResponse response) {
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
    AsyncAnswer.send(
        request.startAsync(request, response),
        replyTimeout,
        gateway
            .submit(traceId, body, caller.apiKey(), idempotencyKey)
            .handle(
                (result, error) -> {
                  latency.record(
                      System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
                  return error == null
                      ? respond(result, rate.headers())
                      : failure(error, traceId, rate.headers());
                }));
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
