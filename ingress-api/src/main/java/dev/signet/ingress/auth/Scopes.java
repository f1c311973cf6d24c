package dev.signet.ingress.auth;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.tenant.Tenant;
import dev.signet.ingress.errors.ApiException;
import java.util.Map;

/**
 * The scopes an API key's {@code scopes} may name, and the rule that checks them. A key that names
 * scopes may do exactly what they name. A key without {@code scopes} predates them and keeps what
 * it could always do, everything but {@link #ADMIN}: admin rights are never gained by omission.
 */
public enum Scopes {
  /** {@code POST /v1/exchange}. */
  EXCHANGE("exchange", true),
  /** Chain reads and signed export bundles. */
  RECEIPTS_READ("receipts.read", true),
  /** The finance views of the caller's tenant. */
  BILLING_READ("billing.read", true),
  /** Operator endpoints; only a key that names it explicitly. */
  ADMIN(Tenant.SCOPE_ADMIN, false);

  private final String scope;
  private final boolean grantedWithoutScopes;

  Scopes(String scope, boolean grantedWithoutScopes) {
    this.scope = scope;
    this.grantedWithoutScopes = grantedWithoutScopes;
  }

  /** The name a key's {@code scopes} list uses. */
  public String scope() {
    return scope;
  }

  /** Whether {@code tenant}'s key may use an endpoint that needs this scope. */
  public boolean grantedTo(Tenant tenant) {
    return tenant.scopes().isEmpty() ? grantedWithoutScopes : tenant.hasScope(scope);
  }

  /** 403 {@code SCOPE_MISSING}, naming the scope, unless the caller's key grants this one. */
  public void require(Authenticator.Caller caller) {
    Tenant tenant = caller.tenant();
    if (!grantedTo(tenant)) {
      String detail =
          tenant.scopes().isEmpty()
              ? "this key has no " + scope + " scope (keys without scopes never have it)"
              : "this key's scopes do not include " + scope;
      throw new ApiException(ErrorCode.SCOPE_MISSING, detail, Map.of("required_scope", scope));
    }
  }
}
