package dev.signet.billing;

import dev.signet.core.message.ReservedConfigChange;
import java.util.Objects;

/**
 * A record of {@code signet.billing.reserved-config.v1} on its way to the tenant's task.
 *
 * @param tenant the record's key: the tenant the change is for
 * @param change the change, authenticated by {@link AuthenticateMacRecords}; tombstones are dropped
 *     there (Signet removes a reservation with a {@code removed} change)
 */
record ReservedConfigEvent(String tenant, ReservedConfigChange change) implements TenantEvent {

  ReservedConfigEvent {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(change, "change");
  }
}
