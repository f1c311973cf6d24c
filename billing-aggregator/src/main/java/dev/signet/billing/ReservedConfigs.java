package dev.signet.billing;

import dev.signet.core.billing.reserved.ReservedConfigParser;
import dev.signet.core.billing.reserved.TenantReservation;
import dev.signet.core.json.Json;
import dev.signet.core.message.ReservedConfigChange;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one record of the reserved-config topic into the reservation it puts in force: the tenant's
 * entry re-read with {@link ReservedConfigParser}, exactly as the file's entry was validated when
 * it was published.
 */
final class ReservedConfigs {

  private ReservedConfigs() {}

  /** What a config record does to its tenant. */
  sealed interface Outcome permits Apply, Ignore {}

  /** Put {@code reservation} in force; empty removes the tenant's reservation. */
  record Apply(Optional<TenantReservation> reservation) implements Outcome {}

  /** The record cannot be applied; the reservation in force stays. */
  record Ignore(String reason) implements Outcome {}

  /**
   * @param tenant the record's key
   * @param change the record's value, authenticated (tombstones never get this far)
   */
  static Outcome read(String tenant, ReservedConfigChange change) {
    if (!tenant.equals(change.tenant())) {
      return mismatch(tenant, change);
    }
    if (change.removed()) {
      return new Apply(Optional.empty());
    }
    String file = Json.toText(Map.of(tenant, change.reservation()));
    ReservedConfigParser.Outcome parsed = ReservedConfigParser.parse(file);
    if (parsed instanceof ReservedConfigParser.Invalid invalid) {
      return new Ignore(String.join("; ", invalid.reasons()));
    }
    return ((ReservedConfigParser.Parsed) parsed)
        .config()
        .tenant(tenant)
        .<Outcome>map(reservation -> new Apply(Optional.of(reservation)))
        .orElseGet(() -> new Ignore("the change holds no entry for tenant " + tenant));
  }

  /** The reservation a stored (already applied) change holds; empty if it no longer reads. */
  static Optional<TenantReservation> reservation(String tenant, ReservedConfigChange change) {
    return read(tenant, change) instanceof Apply apply ? apply.reservation() : Optional.empty();
  }

  private static Outcome mismatch(String tenant, ReservedConfigChange change) {
    return new Ignore(
        "keyed by tenant " + tenant + " but is the change of tenant " + change.tenant());
  }
}
