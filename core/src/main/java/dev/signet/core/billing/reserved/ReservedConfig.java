package dev.signet.core.billing.reserved;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** The whole reserved-capacity file: one {@link TenantReservation} per tenant id. */
public record ReservedConfig(Map<String, TenantReservation> tenants) {

  public ReservedConfig {
    Objects.requireNonNull(tenants, "tenants");
    tenants.forEach(
        (id, reservation) -> {
          if (!id.equals(reservation.tenant())) {
            throw new IllegalArgumentException(
                "tenant key " + id + " holds the reservation of " + reservation.tenant());
          }
        });
    tenants = Map.copyOf(tenants);
  }

  public Optional<TenantReservation> tenant(String tenant) {
    return Optional.ofNullable(tenants.get(tenant));
  }

  /** Tenant ids in order, for deterministic iteration (publishing, listing). */
  public Iterable<String> tenantIds() {
    return new TreeMap<>(tenants).keySet();
  }
}
