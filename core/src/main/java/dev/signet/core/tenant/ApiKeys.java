package dev.signet.core.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.json.Json;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys of {@code SP_API_KEYS} ({@code {"key": {tenant, allowlist, …}}}). Keys are held only
 * as SHA-256 digests, so a heap dump or a log of this object reveals none of them.
 */
public final class ApiKeys {

  private final Map<String, Tenant> tenantsByKeyDigest;

  private ApiKeys(Map<String, Tenant> tenantsByKeyDigest) {
    this.tenantsByKeyDigest = Map.copyOf(tenantsByKeyDigest);
  }

  public static ApiKeys parse(String json) {
    if (json == null || json.isBlank()) {
      return new ApiKeys(Map.of());
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
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      try {
        tenants.put(digest(entry.getKey()), Json.convert(entry.getValue(), Tenant.class));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "SP_API_KEYS has an invalid tenant config: " + e.getMessage(), e);
      }
    }
    return new ApiKeys(tenants);
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
