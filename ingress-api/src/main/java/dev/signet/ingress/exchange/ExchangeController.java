package dev.signet.ingress.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeResult;
import dev.signet.ingress.auth.Authenticator;
import dev.signet.ingress.body.BoundedBody;
import dev.signet.ingress.config.IngressProperties;
import dev.signet.ingress.errors.ApiException;
import dev.signet.ingress.errors.Problems;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/exchange}: authenticate, check limits and the idempotency key, publish to the
 * requests topic and answer with the processor's result. The servlet thread is released while
 * the exchange travels through Kafka.
 */
@RestController
class ExchangeController {

  static final String IDEMPOTENCY_HEADER = "X-SIGNET-Idempotency-Key";
  static final String LEGACY_IDEMPOTENCY_HEADER = "X-ODIN-Idempotency-Key";
  static final String TRACE_HEADER = "X-SIGNET-Trace";
  static final String IDEMPOTENCY_HIT_HEADER = "X-SIGNET-Idempotency-Hit";
  private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  private final Authenticator authenticator;
  private final RateLimiter rateLimiter;
  private final ExchangeGateway gateway;
  private final BoundedBody bodies;
  private final IngressProperties properties;
  private final Timer latency;

  ExchangeController(
      Authenticator authenticator,
      RateLimiter rateLimiter,
      ExchangeGateway gateway,
      BoundedBody bodies,
      IngressProperties properties,
      MeterRegistry meters) {
    this.authenticator = authenticator;
    this.rateLimiter = rateLimiter;
    this.gateway = gateway;
    this.bodies = bodies;
    this.properties = properties;
    this.latency = Timer.builder("signet_ingress_exchange_seconds").description("POST /v1/exchange latency").publishPercentileHistogram().register(meters);
  }

  @PostMapping(path = "/v1/exchange", consumes = MediaType.ALL_VALUE)
  CompletableFuture<ResponseEntity<byte[]>> exchange(HttpServletRequest request) {
    long started = System.nanoTime();
    Authenticator.Caller caller = authenticator.authenticate(request);
    if (!rateLimiter.tryAcquire(caller.tenant().tenant())) {
      throw new ApiException(ErrorCode.RATE_LIMITED, "slow down: at most " + properties.rateLimitPerSecond() + " requests/s per tenant");
    }
    String idempotencyKey = Authenticator.header(request, IDEMPOTENCY_HEADER, LEGACY_IDEMPOTENCY_HEADER);
    if (idempotencyKey == null) {
      throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_MISSING, "send a unique " + IDEMPOTENCY_HEADER + " with every exchange");
    }
    if (idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new ApiException(ErrorCode.MALFORMED_REQUEST, IDEMPOTENCY_HEADER + " is longer than " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
    }
    // Only now, with the caller known and its headers checked, is the body read: bounded.
    byte[] body = bodies.read(request);
    if (body.length == 0) {
      throw new ApiException(ErrorCode.MALFORMED_REQUEST, "the request body is empty");
    }
    String traceId = traceId(body, caller.tenant().tenant(), idempotencyKey);
    return gateway
        .submit(traceId, body, caller.apiKey(), idempotencyKey)
        .handle((result, error) -> {
          latency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
          return error == null ? respond(result) : failure(error);
        });
  }

  /**
   * The trace id the request is keyed by: the body's, or one derived from (tenant, idempotency
   * key), so that a retry lands on the same partition as the original and finds its result.
   */
  static String traceId(byte[] body, String tenant, String idempotencyKey) {
    JsonNode json;
    try {
      json = Json.parse(body);
    } catch (Json.MalformedJsonException e) {
      throw new ApiException(ErrorCode.MALFORMED_REQUEST, "the body is not JSON: " + e.getMessage());
    }
    if (!json.isObject()) {
      throw new ApiException(ErrorCode.MALFORMED_REQUEST, "the body must be a JSON object");
    }
    JsonNode traceId = json.get("trace_id");
    if (traceId != null && !traceId.isNull()) {
      if (!traceId.isTextual() || traceId.textValue().isBlank() || traceId.textValue().length() > 200) {
        throw new ApiException(ErrorCode.MALFORMED_REQUEST, "trace_id must be a non-empty string of at most 200 characters");
      }
      return traceId.textValue();
    }
    return UUID.nameUUIDFromBytes((tenant + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static ResponseEntity<byte[]> respond(ExchangeResult result) {
    ResponseEntity.BodyBuilder response = ResponseEntity.status(result.status())
        .contentType(result.accepted() ? MediaType.APPLICATION_JSON : Problems.PROBLEM_JSON);
    if (result.traceId() != null) {
      response.header(TRACE_HEADER, result.traceId());
    }
    if (result.idempotencyHit()) {
      response.header(IDEMPOTENCY_HIT_HEADER, "1");
    }
    return response.body(Json.toBytes(result.body()));
  }

  private static ResponseEntity<byte[]> failure(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof TimeoutException) {
      return Problems.response(
          ErrorCode.TIMEOUT, "no result in time; retry with the same idempotency key to get the outcome without a second receipt");
    }
    return Problems.response(ErrorCode.UNAVAILABLE, "the pipeline is unavailable; retry with the same idempotency key");
  }
}
