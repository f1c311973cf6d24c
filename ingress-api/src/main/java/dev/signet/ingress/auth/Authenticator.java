package dev.signet.ingress.auth;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.tenant.ApiKeyTable;
import dev.signet.core.tenant.Tenant;
import dev.signet.ingress.errors.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * Resolves the tenant of a request from {@code X-SIGNET-API-Key} (or the Python original's {@code
 * X-ODIN-API-Key}) and checks that its key grants the endpoint's {@link Scopes scope}: every
 * authenticated endpoint names its scope, so none can forget to check one.
 */
@Component
public class Authenticator {

  public static final String API_KEY_HEADER = "X-SIGNET-API-Key";
  public static final String LEGACY_API_KEY_HEADER = "X-ODIN-API-Key";

  private final ApiKeyTable apiKeys;

  Authenticator(ApiKeyTable apiKeys) {
    this.apiKeys = apiKeys;
  }

  public record Caller(Tenant tenant, String apiKey) {}

  private Caller authenticate(HttpServletRequest request) {
    String apiKey = header(request, API_KEY_HEADER, LEGACY_API_KEY_HEADER);
    if (apiKey == null) {
      throw new ApiException(ErrorCode.AUTH_MISSING, "send your API key in " + API_KEY_HEADER);
    }
    Tenant tenant =
        apiKeys
            .current()
            .authenticate(apiKey)
            .orElseThrow(() -> new ApiException(ErrorCode.AUTH_INVALID, "unknown API key"));
    return new Caller(tenant, apiKey);
  }

  /**
   * The caller, if its key is known and grants {@code scope}: 401 before 403, so that a caller
   * without a valid key learns nothing about scopes.
   */
  public Caller authenticate(HttpServletRequest request, Scopes scope) {
    Caller caller = authenticate(request);
    scope.require(caller);
    return caller;
  }

  public static String header(HttpServletRequest request, String name, String legacyName) {
    String value = request.getHeader(name);
    if (value == null || value.isBlank()) {
      value = request.getHeader(legacyName);
    }
    return value == null || value.isBlank() ? null : value.strip();
  }
}
