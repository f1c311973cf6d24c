package dev.signet.ingress.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Ingress configuration, bound from {@code signet.*} (which {@code application.yml} maps from the
 * {@code SP_*} environment).
 *
 * @param apiKeys the {@code SP_API_KEYS} JSON
 * @param apiKeysFile {@code SP_API_KEYS_FILE}: a file of the same JSON, re-read while running;
 *     blank when the keys come from {@code SP_API_KEYS}
 * @param apiKeysReloadInterval {@code SP_API_KEYS_RELOAD_INTERVAL}: how often that file is re-read
 * @param privateKey {@code SP_PRIVATE_KEY_B64}: signs export bundles
 * @param retiredJwks {@code SP_RETIRED_JWKS}: a JWKS of retired public keys, kept for verification
 * @param replyTimeout how long {@code POST /v1/exchange} waits for the processor (then 504)
 * @param maxBodyBytes larger requests are 413 {@code PAYLOAD_TOO_LARGE}
 * @param maxJsonDepth deeper JSON is 413 {@code PAYLOAD_TOO_LARGE} ({@code SP_MAX_JSON_DEPTH})
 * @param serverSecret {@code SP_SERVER_SECRET}: keys derived trace ids; derived from the signing
 *     key if empty
 * @param reservedConfig {@code SP_RESERVED_CONFIG}: the reserved-capacity file {@code POST
 *     /v1/admin/reload-reserved} publishes; blank when none is configured
 * @param schemaDir {@code SP_SCHEMA_DIR}: extra type schemas and mappings (the processor's own);
 *     blank for the built-ins only
 */
@Validated
@ConfigurationProperties("signet")
public record IngressProperties(
    @NotBlank String kafkaBootstrap,
    @NotBlank String postgresUrl,
    String postgresUser,
    String postgresPassword,
    String apiKeys,
    String apiKeysFile,
    @NotNull Duration apiKeysReloadInterval,
    @NotBlank String privateKey,
    @NotBlank String kid,
    String retiredJwks,
    @NotNull Duration replyTimeout,
    @Min(1024) int maxBodyBytes,
    @Min(8) int maxJsonDepth,
    String serverSecret,
    @Min(0) int rateLimitPerSecond,
    String reservedConfig,
    String schemaDir) {

  /** The extra schema directory, if one is configured. */
  public Optional<Path> schemaDirectory() {
    return schemaDir == null || schemaDir.isBlank()
        ? Optional.empty()
        : Optional.of(Path.of(schemaDir.strip()));
  }

  /** The API keys file, if the keys come from one. */
  public Optional<Path> apiKeysPath() {
    return apiKeysFile == null || apiKeysFile.isBlank()
        ? Optional.empty()
        : Optional.of(Path.of(apiKeysFile.strip()));
  }

  /** The reserved-capacity file, if one is configured. */
  public Optional<Path> reservedConfigFile() {
    return reservedConfig == null || reservedConfig.isBlank()
        ? Optional.empty()
        : Optional.of(Path.of(reservedConfig.strip()));
  }
}
