package dev.signet.core.message;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One change of one tenant's reserved capacity, on the compacted {@code
 * signet.billing.reserved-config.v1} (key: tenant; latest value = the tenant's reservation in
 * force) and, as the audit trail, on {@code signet.billing.reserved-config-audit.v1} (kept
 * forever). Billing applies a change from the next usage on.
 *
 * @param action {@code set} (added or changed) or {@code removed}
 * @param reservation the tenant's entry exactly as in the file (a JSON object the {@link
 *     dev.signet.core.billing.reserved.ReservedConfigParser} reads); null when removed
 * @param version hex SHA-256 of the entry's canonical JSON (RFC 8785); null when removed
 * @param previousVersion the version this change replaces; null for a new tenant
 * @param changedAt when the change was published, RFC 3339 UTC
 * @param changedBy who published it: {@code startup} or {@code admin:<tenant of the API key>}
 * @param sourceSha256 hex SHA-256 of the whole file the change came from
 */
public record ReservedConfigChange(
    String tenant,
    String action,
    JsonNode reservation,
    String version,
    String previousVersion,
    String changedAt,
    String changedBy,
    String sourceSha256) {

  public static final String SET = "set";
  public static final String REMOVED = "removed";

  public ReservedConfigChange {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(changedAt, "changedAt");
    Objects.requireNonNull(changedBy, "changedBy");
    if (!SET.equals(action) && !REMOVED.equals(action)) {
      throw new IllegalArgumentException("action must be set or removed, got " + action);
    }
    if (SET.equals(action) && (reservation == null || !reservation.isObject() || version == null)) {
      throw new IllegalArgumentException("a set carries the reservation object and its version");
    }
  }

  public boolean removed() {
    return REMOVED.equals(action);
  }
}
