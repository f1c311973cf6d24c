package dev.signet.ingress.health;

import dev.signet.core.tenant.ApiKeyTable;
import dev.signet.core.tenant.Tenant;
import dev.signet.ingress.auth.Authenticator;
import dev.signet.ingress.auth.Scopes;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Shows {@code /healthz} components and details only to a key with the {@code admin} scope: they
 * name the dependencies and how they fail, which is for operators. The actuator shows details
 * {@code when-authorized} with role {@code admin}, and this filter is what authorizes: a request
 * whose key grants admin gets a principal in that role. Every other request, with a wrong key or
 * none, still gets the status, so probes and load balancers need no key. Registered for the health
 * paths only, by {@link HealthConfiguration}.
 */
class AdminHealthDetails extends OncePerRequestFilter {

  static final String ROLE = Scopes.ADMIN.scope();

  private final ApiKeyTable apiKeys;

  AdminHealthDetails(ApiKeyTable apiKeys) {
    this.apiKeys = apiKeys;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<Tenant> admin =
        Optional.ofNullable(
                Authenticator.header(
                    request, Authenticator.API_KEY_HEADER, Authenticator.LEGACY_API_KEY_HEADER))
            .flatMap(key -> apiKeys.current().authenticate(key))
            .filter(Scopes.ADMIN::grantedTo);
    chain.doFilter(
        admin.<HttpServletRequest>map(t -> new AdminRequest(request, t)).orElse(request), response);
  }

  /** The request of an admin key: a principal named after its tenant, in the admin role. */
  private static final class AdminRequest extends HttpServletRequestWrapper {
    private final Principal principal;

    AdminRequest(HttpServletRequest request, Tenant tenant) {
      super(request);
      String name = tenant.tenant();
      this.principal = () -> name;
    }

    @Override
    public Principal getUserPrincipal() {
      return principal;
    }

    @Override
    public boolean isUserInRole(String role) {
      return ROLE.equals(role);
    }
  }
}
