package dev.signet.billing;

import dev.signet.core.billing.reserved.UnitType;
import dev.signet.core.tenant.ApiKeyTable;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.tenant.Tenant;
import java.util.Objects;
import java.util.function.Function;

/**
 * A tenant's Stripe names from {@code SP_API_KEYS}: its {@code stripe_customer} and its default
 * meter event names {@code stripe_item_vex}/{@code stripe_item_fu}, each from the first key of the
 * tenant that names one.
 */
final class StripeNames {

  static final StripeNames NONE = new StripeNames(ApiKeyTable.fixed(ApiKeys.parse(null)));

  private final ApiKeyTable apiKeys;

  /** Names from the table in force when each charge is made (a reloaded file applies). */
  StripeNames(ApiKeyTable apiKeys) {
    this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
  }

  /** The tenant's Stripe customer, or null when no key of the tenant names one. */
  String customer(String tenant) {
    return first(tenant, Tenant::stripeCustomer);
  }

  /**
   * The meter event name of a charge: the band's {@code stripe_item} if it names one, else the
   * tenant's default for the unit type; null when neither does.
   */
  String eventName(String tenant, UnitType type, String bandItem) {
    if (bandItem != null) {
      return bandItem;
    }
    return first(tenant, type == UnitType.VEX ? Tenant::stripeItemVex : Tenant::stripeItemFu);
  }

  private String first(String tenant, Function<Tenant, String> field) {
    for (Tenant config : apiKeys.current().configsOf(tenant)) {
      String value = field.apply(config);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }
}
