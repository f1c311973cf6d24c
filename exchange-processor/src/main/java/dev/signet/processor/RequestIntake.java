package dev.signet.processor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.message.ExchangeRequest;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.tenant.Tenant;
import dev.signet.core.trace.TraceIds;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The stateless rules a record on the requests topic must pass before anything is looked up: header
 * sizes, the API key, the shared {@link Admission} rules (the same ones ingress applies to an HTTP
 * body) and which trace the record belongs to. Deterministic given the key table, so a record
 * refused here is refused the same way on every partition and every retry.
 */
final class RequestIntake {

  /** Headers beyond this are no request Signet sent or documents: a poison record. */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  private final Admission admission;
  private final TraceIds traceIds;

  RequestIntake(Admission admission, TraceIds traceIds) {
    this.admission = admission;
    this.traceIds = traceIds;
  }

  sealed interface Intake {}

  /** Authenticated and admitted, with the trace it belongs to. */
  record Ready(
      Tenant tenant,
      String traceId,
      String idempotencyKey,
      ObjectNode body,
      ExchangeRequest request)
      implements Intake {}

  /** Refused before any state was read; {@code poison} records also go to the dead-letter topic. */
  record Refused(String traceId, ErrorCode code, String detail, boolean poison) implements Intake {}

  /** The record judged by {@code apiKeys}, the key table in force at its place in the log. */
  Intake take(ApiKeys apiKeys, String key, byte[] value, Headers headers) {
    int headerBytes = headerBytes(headers);
    if (headerBytes > MAX_HEADER_BYTES) {
      return new Refused(
          null,
          ErrorCode.MALFORMED_REQUEST,
          "the record headers hold " + headerBytes + " bytes, at most " + MAX_HEADER_BYTES,
          true);
    }
    String apiKey = SignetHeaders.text(headers, SignetHeaders.API_KEY);
    if (apiKey == null || apiKey.isEmpty()) {
      return new Refused(
          null,
          ErrorCode.AUTH_MISSING,
          "record header " + SignetHeaders.API_KEY + " is required",
          false);
    }
    Optional<Tenant> tenant = apiKeys.authenticate(apiKey);
    if (tenant.isEmpty()) {
      return new Refused(null, ErrorCode.AUTH_INVALID, "unknown API key", false);
    }
    Admission.Outcome admitted = admission.admit(value);
    if (admitted instanceof Admission.Refused refused) {
      return new Refused(null, refused.code(), refused.detail(), refused.unreadable());
    }
    Admission.Admitted request = (Admission.Admitted) admitted;
    String idempotencyKey = SignetHeaders.text(headers, SignetHeaders.IDEMPOTENCY_KEY);
    if (idempotencyKey != null) {
      Optional<Admission.Refused> invalid = Admission.checkIdempotencyKey(idempotencyKey);
      if (invalid.isPresent()) {
        return new Refused(null, invalid.get().code(), invalid.get().detail(), false);
      }
    }
    String bodyTrace = request.request().traceId();
    String traceId;
    if (bodyTrace != null) {
      if (key != null && !key.equals(bodyTrace)) {
        // Keying by trace is what keeps one trace on one task; anything else could fork a chain.
        return new Refused(
            bodyTrace,
            ErrorCode.TRACE_KEY_MISMATCH,
            "the record key must equal trace_id (or be null)",
            false);
      }
      traceId = bodyTrace;
    } else if (key != null) {
      Optional<Admission.Refused> invalid = Admission.checkTraceId(key);
      if (invalid.isPresent()) {
        return new Refused(
            null,
            invalid.get().code(),
            "the record key is the trace id: " + invalid.get().detail(),
            false);
      }
      traceId = key;
    } else if (idempotencyKey != null) {
      // What ingress does for an HTTP request without trace_id, so both paths meet on one trace.
      traceId = traceIds.derive(tenant.get().tenant(), idempotencyKey);
    } else {
      return new Refused(
          null,
          ErrorCode.TRACE_ID_MISSING,
          "set trace_id in the body, use it as the record key, or send an idempotency key to derive one",
          false);
    }
    return new Ready(tenant.get(), traceId, idempotencyKey, request.body(), request.request());
  }

  private static int headerBytes(Headers headers) {
    int total = 0;
    for (Header header : headers) {
      total += header.key().length() + (header.value() == null ? 0 : header.value().length);
    }
    return total;
  }
}
