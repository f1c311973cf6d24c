package dev.signet.core.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys of {@code SP_API_KEYS} ({@code {"key": {tenant, allowlist, …}}}). Keys are held only
 * as SHA-256 digests, so a heap dump or a log of this object reveals none of them.
 */
public final class ApiKeys {

  private final Map<String, Tenant> tenantsByKeyDigest;
  private final List<Tenant> inFileOrder;

  private ApiKeys(Map<String, Tenant> tenantsByKeyDigest, List<Tenant> inFileOrder) {
    this.tenantsByKeyDigest = Map.copyOf(tenantsByKeyDigest);
    this.inFileOrder = List.copyOf(inFileOrder);
  }

  public static ApiKeys parse(String json) {
    if (json == null || json.isBlank()) {
      return new ApiKeys(Map.of(), List.of());
    }
    JsonNode root;
    try {
      root = Json.parse(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("SP_API_KEYS is not valid JSON", e);
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(
          "SP_API_KEYS must be a JSON object of key -> tenant config");
    }
    Map<String, Tenant> tenants = new HashMap<>();
    List<Tenant> inFileOrder = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      try {
        Tenant tenant = Json.convert(entry.getValue(), Tenant.class);
        tenants.put(digest(entry.getKey()), tenant);
        inFileOrder.add(tenant);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "SP_API_KEYS has an invalid tenant config: " + e.getMessage(), e);
      }
    }
    return new ApiKeys(tenants, inFileOrder);
  }

  /**
   * The configs of every key of {@code tenant}, in the order of the file: where keys of one tenant
   * disagree on a setting (a Stripe customer, say), the first key that names it wins.
   */
  public List<Tenant> configsOf(String tenant) {
    return inFileOrder.stream().filter(t -> t.tenant().equals(tenant)).toList();
  }

  public Optional<Tenant> authenticate(String apiKey) {
    if (apiKey == null || apiKey.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(tenantsByKeyDigest.get(digest(apiKey)));
  }

  public int size() {
    return tenantsByKeyDigest.size();
  }

  private static String digest(String apiKey) {
    return Hashes.sha256(apiKey);
  }

  @Override
  public String toString() {
    return "ApiKeys[" + tenantsByKeyDigest.size() + " keys]";
  }
}
