package dev.signet.core.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.config.Env;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.host.HostPattern;
import dev.signet.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys of {@code SP_API_KEYS} ({@code {"key": {tenant, allowlist, …}}}). Keys are held only
 * as SHA-256 digests, so a heap dump or a log of this object reveals none of them.
 */
public final class ApiKeys {

  /** The keys as JSON text. */
  public static final String ENV = "SP_API_KEYS";

  /**
   * A file holding the same JSON, read at start and re-read while running (see {@link
   * ApiKeysConfig}, {@link ApiKeysFileReloader}).
   */
  public static final String ENV_FILE = "SP_API_KEYS_FILE";

  // In the order of the file: where keys of one tenant disagree, the first one wins.
  private final Map<String, Tenant> tenantsByKeyDigest;

  private ApiKeys(Map<String, Tenant> tenantsByKeyDigest) {
    this.tenantsByKeyDigest = Collections.unmodifiableMap(new LinkedHashMap<>(tenantsByKeyDigest));
  }

  /**
   * Keys already digested ({@link #byKeyDigest()} of another table, e.g. as the processor announces
   * its table on the requests log), in the order given.
   */
  public static ApiKeys ofDigests(Map<String, Tenant> tenantsByKeyDigest) {
    tenantsByKeyDigest.forEach(
        (digest, tenant) -> {
          if (digest == null || !digest.matches("sha256:[0-9a-f]{64}") || tenant == null) {
            throw new IllegalArgumentException(
                "an API key digest must be sha256: and 64 hex digits, with a tenant");
          }
        });
    return new ApiKeys(tenantsByKeyDigest);
  }

  /** Each key's digest ({@code sha256:} and hex) and its tenant, in the order of the file. */
  public Map<String, Tenant> byKeyDigest() {
    return tenantsByKeyDigest;
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
    Map<String, Tenant> tenants = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      try {
        Tenant tenant = Json.convert(entry.getValue(), Tenant.class);
        requireValidAllowlist(tenant);
        tenants.put(digest(entry.getKey()), tenant);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "SP_API_KEYS has an invalid tenant config: " + e.getMessage(), e);
      }
    }
    return new ApiKeys(tenants);
  }

  /**
   * A forwarding allow-list entry that does not parse would allow nothing, so a typo would look
   * like a denial at the first forward; refused here, it stops the start or the reload instead.
   */
  private static void requireValidAllowlist(Tenant tenant) {
    for (String entry : tenant.allowlist()) {
      try {
        HostPattern.parse(entry);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "tenant '" + tenant.tenant() + "': allowlist entry " + e.getMessage(), e);
      }
    }
  }

  /**
   * The keys of {@code SP_API_KEYS}, or of the file {@code SP_API_KEYS_FILE} read now; none when
   * neither is set. Setting both is an error: one of them would be silently ignored.
   */
  public static ApiKeys fromEnvironment(Env env) {
    return parse(configuredJson(env));
  }

  /**
   * The JSON text {@link #fromEnvironment} parses: {@code SP_API_KEYS}, or the contents of {@code
   * SP_API_KEYS_FILE}, or null.
   */
  public static String configuredJson(Env env) {
    return configuredJson(env.verbatim(ENV), env.path(ENV_FILE, null));
  }

  /**
   * The JSON text of the keys given as {@code json} ({@code SP_API_KEYS}, blank for unset) or in
   * {@code file} ({@code SP_API_KEYS_FILE}, or null), read now; null when neither is given.
   */
  public static String configuredJson(String json, Path file) {
    if (json != null && json.isBlank()) {
      json = null;
    }
    if (json != null && file != null) {
      throw new IllegalArgumentException(
          "set " + ENV + " or " + ENV_FILE + ", not both: the keys must come from one place");
    }
    return file == null ? json : readText(file);
  }

  /** The keys in {@code file}; the error names the file. */
  public static ApiKeys read(Path file) {
    try {
      return parse(readText(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ENV_FILE + " " + file + ": " + e.getMessage(), e);
    }
  }

  // An empty file is refused: it is what a reader sees in the middle of a rewrite, and taking it
  // for "no keys" would lock every caller out. A file of "{}" means no keys.
  private static String readText(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(ENV_FILE + " " + file + " cannot be read", e);
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException(
          ENV_FILE + " " + file + " is empty (write {} to configure no keys)");
    }
    return text;
  }

  /**
   * The configs of every key of {@code tenant}, in the order of the file: where keys of one tenant
   * disagree on a setting (a Stripe customer, say), the first key that names it wins.
   */
  public List<Tenant> configsOf(String tenant) {
    return tenantsByKeyDigest.values().stream().filter(t -> t.tenant().equals(tenant)).toList();
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
