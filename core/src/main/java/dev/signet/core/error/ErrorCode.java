package dev.signet.core.error;

/** Stable error codes of Signet's problem responses and result records, with their HTTP status. */
public enum ErrorCode {
  AUTH_MISSING(401, "API key missing"),
  AUTH_INVALID(401, "API key invalid"),
  SCOPE_MISSING(403, "API key lacks the scope this endpoint needs"),
  IDEMPOTENCY_KEY_MISSING(400, "Idempotency key missing"),
  IDEMPOTENCY_KEY_INVALID(400, "Idempotency key invalid"),
  IDEMPOTENCY_CONFLICT(409, "Idempotency key reused with a different request"),
  IDEMPOTENCY_IN_PROGRESS(409, "The request with this idempotency key is still in progress"),
  MALFORMED_REQUEST(400, "Request is not valid JSON of the expected shape"),
  TRACE_ID_MISSING(400, "Record carries no trace id"),
  TRACE_KEY_MISMATCH(400, "Record key differs from the body's trace_id"),
  TRACE_ID_INVALID(400, "Trace id invalid"),
  NUMBER_OUT_OF_RANGE(422, "Number has no exact JSON form"),
  SCHEMA_INVALID(422, "Payload does not match its schema"),
  UNSUPPORTED_MAPPING(422, "No transformation between these types"),
  REPAIR_FAILED(422, "Payload could not be repaired"),
  SEMANTIC_VIOLATION(422, "Payload violates a semantic invariant"),
  FU_QUOTA_EXCEEDED(429, "Fallback unit quota exceeded"),
  HEL_URL_INVALID(403, "Forward URL is not a strict absolute URL"),
  HEL_SCHEME_NOT_HTTPS(403, "Forward URL must use https"),
  HEL_USERINFO_NOT_ALLOWED(403, "Forward URL must not carry user information"),
  HEL_HOST_NOT_ALLOWED(403, "Forward host is not on the allow-list"),
  HEL_PORT_NOT_ALLOWED(403, "Forward port is not allowed"),
  HEL_NO_RESOLUTION(403, "Forward host did not resolve"),
  HEL_RESOLVED_PRIVATE(403, "Forward host resolved to a private address"),
  HEL_RESOLVED_LOOPBACK(403, "Forward host resolved to a loopback address"),
  HEL_RESOLVED_LINKLOCAL(403, "Forward host resolved to a link-local address"),
  HEL_RESOLVED_RESERVED(403, "Forward host resolved to a reserved address"),
  TRACE_FORBIDDEN(403, "Trace belongs to another tenant"),
  CHAIN_CONFLICT(409, "Chain head moved"),
  CHAIN_TOO_LONG(409, "Chain reached its maximum length"),
  CHAIN_UNVERIFIABLE(409, "Stored chain does not verify"),
  PAYLOAD_TOO_LARGE(413, "Request body too large"),
  RATE_LIMITED(429, "Too many requests"),
  NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed on this resource"),
  NOT_ACCEPTABLE(406, "No acceptable representation: accept application/json"),
  UNSUPPORTED_MEDIA_TYPE(415, "Request body must be application/json"),
  PERIOD_INVALID(400, "Billing period must be YYYY-MM"),
  RESERVED_CONFIG_INVALID(422, "Reserved-capacity file refused; the previous one stays in force"),
  RESERVED_CONFIG_UNSET(409, "No reserved-capacity file is configured (SP_RESERVED_CONFIG)"),
  TIMEOUT(504, "The pipeline did not answer in time"),
  UNAVAILABLE(503, "A dependency is unavailable"),
  INTERNAL(500, "Internal error");

  private final int status;
  private final String title;

  ErrorCode(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The problem {@code type} URI. */
  public String type() {
    return "https://signet.dev/problems/"
        + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
