package dev.signet.core.tenant;

import java.util.List;
import java.util.Objects;

/** A tenant as one API key describes it ({@code SP_API_KEYS}). */
public record Tenant(
    String tenant,
    List<String> allowlist,
    boolean fallbackEnabled,
    Long fuMonthlyLimit,
    String stripeCustomer,
    String stripeItemVex,
    String stripeItemFu,
    List<String> scopes) {

  public static final String SCOPE_ADMIN = "admin";

  public Tenant {
    Objects.requireNonNull(tenant, "tenant");
    if (tenant.isBlank()) {
      throw new IllegalArgumentException("tenant must not be blank");
    }
    allowlist = allowlist == null ? List.of() : List.copyOf(allowlist);
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
  }

  public static Tenant named(String tenant) {
    return new Tenant(tenant, List.of(), false, null, null, null, null, List.of());
  }

  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }
}
