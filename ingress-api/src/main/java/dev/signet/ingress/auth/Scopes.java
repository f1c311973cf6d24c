package dev.signet.ingress.auth;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.tenant.Tenant;
import dev.signet.ingress.errors.ApiException;
import java.util.Map;

/**
 * What an API key's {@code scopes} let it do. Admin endpoints need the explicit {@code admin}
 * scope: keys without {@code scopes} predate it and must not gain admin rights by omission. Read
 * endpoints accept their scope or a key without any {@code scopes} (today's keys keep working).
 */
public final class Scopes {

  public static final String ADMIN = Tenant.SCOPE_ADMIN;
  public static final String BILLING_READ = "billing.read";

  private Scopes() {}

  /** 403 {@code SCOPE_MISSING} unless the key names {@code admin}. */
  public static void requireAdmin(Authenticator.Caller caller) {
    if (!caller.tenant().hasScope(ADMIN)) {
      throw missing(ADMIN, "this key has no admin scope (keys without scopes never have it)");
    }
  }

  /** 403 {@code SCOPE_MISSING} unless the key names {@code billing.read} or names no scopes. */
  public static void requireBillingRead(Authenticator.Caller caller) {
    Tenant tenant = caller.tenant();
    if (!tenant.scopes().isEmpty() && !tenant.hasScope(BILLING_READ)) {
      throw missing(BILLING_READ, "this key's scopes do not include " + BILLING_READ);
    }
  }

  private static ApiException missing(String scope, String detail) {
    return new ApiException(ErrorCode.SCOPE_MISSING, detail, Map.of("required_scope", scope));
  }
}
