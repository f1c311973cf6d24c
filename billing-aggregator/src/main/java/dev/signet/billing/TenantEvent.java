package dev.signet.billing;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What travels on billing's internal repartition topic {@code usage-by-tenant}, keyed by tenant:
 * the usage of one receipt, or one change of the tenant's reserved capacity. Both go through the
 * one topic so that a change reaches the tenant's task in order with the usage around it.
 *
 * <p>JSON with a {@code kind} property. Records written before config changes joined the topic
 * carry no {@code kind} and are read as {@link UsageEvent} ({@code defaultImpl}), so an upgrade
 * with usage still on the topic bills it.
 */
@JsonTypeInfo(
    use = JsonTypeInfo.Id.NAME,
    include = JsonTypeInfo.As.PROPERTY,
    property = "kind",
    defaultImpl = UsageEvent.class)
@JsonSubTypes({
  @JsonSubTypes.Type(value = UsageEvent.class, name = "usage"),
  @JsonSubTypes.Type(value = ReservedConfigEvent.class, name = "reserved_config")
})
sealed interface TenantEvent permits UsageEvent, ReservedConfigEvent {

  String tenant();

  /** The usage in {@code event}, if it is usage: what the hourly and period sums read. */
  static List<UsageEvent> usageOnly(TenantEvent event) {
    return event instanceof UsageEvent usage ? List.of(usage) : List.of();
  }
}
