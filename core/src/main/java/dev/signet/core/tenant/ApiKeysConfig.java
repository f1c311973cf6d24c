package dev.signet.core.tenant;

import dev.signet.core.config.Env;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Where a service's API keys come from: the fixed {@code SP_API_KEYS}, or the file {@code
 * SP_API_KEYS_FILE}, re-read every {@code SP_API_KEYS_RELOAD_INTERVAL}. {@code atStart} is the
 * table read with the configuration, so a broken file stops a service before it starts.
 *
 * @param file null when the keys are fixed
 */
public record ApiKeysConfig(ApiKeys atStart, Path file, Duration reloadInterval) {

  public static final String ENV_RELOAD_INTERVAL = "SP_API_KEYS_RELOAD_INTERVAL";
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(5);

  public ApiKeysConfig {
    Objects.requireNonNull(atStart, "atStart");
    Objects.requireNonNull(reloadInterval, "reloadInterval");
    if (reloadInterval.isNegative() || reloadInterval.isZero()) {
      throw new IllegalArgumentException("the reload interval must be positive");
    }
  }

  /** Keys that never change: {@code SP_API_KEYS}, and tests. */
  public static ApiKeysConfig fixed(ApiKeys keys) {
    return new ApiKeysConfig(keys, null, DEFAULT_RELOAD_INTERVAL);
  }

  public static ApiKeysConfig fromEnvironment(Env env) {
    return of(
        env.verbatim(ApiKeys.ENV),
        env.path(ApiKeys.ENV_FILE, null),
        env.positiveDuration(ENV_RELOAD_INTERVAL, ChronoUnit.SECONDS, DEFAULT_RELOAD_INTERVAL));
  }

  /**
   * The keys of {@code json} ({@code SP_API_KEYS}, blank for unset) or of {@code file}, read now;
   * both given is refused, as every service refuses it.
   */
  public static ApiKeysConfig of(String json, Path file, Duration reloadInterval) {
    return new ApiKeysConfig(
        ApiKeys.parse(ApiKeys.configuredJson(json, file)), file, reloadInterval);
  }

  /**
   * The table in force from now on: the file's, re-read on a daemon thread of its own (close it to
   * stop), or the fixed keys. Metrics are named after {@code service} (see {@link
   * ApiKeysFileReloader}).
   */
  public ApiKeyTable open(MeterRegistry meters, String service) {
    if (file == null) {
      return ApiKeyTable.fixed(atStart);
    }
    return new ApiKeysFileReloader(file, reloadInterval, meters, service).start();
  }
}
