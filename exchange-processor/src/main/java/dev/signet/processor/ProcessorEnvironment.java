package dev.signet.processor;

import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.KeyParser;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.tenant.ApiKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The one place that reads the processor's {@code SP_*} environment. */
public final class ProcessorEnvironment {

  private ProcessorEnvironment() {}

  public static ProcessorConfig fromEnvironment(Map<String, String> env) {
    SigningKey signingKey = KeyParser.parse(env.getOrDefault("SP_KID", "signet-1"), env.get("SP_PRIVATE_KEY_B64"));
    return new ProcessorConfig(
        env.getOrDefault("SP_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        env.getOrDefault("SP_PROCESSOR_APPLICATION_ID", ProcessorConfig.DEFAULT_APPLICATION_ID),
        Path.of(env.getOrDefault("SP_STATE_DIR", "/tmp/signet/streams")),
        Duration.ofMillis(Long.parseLong(env.getOrDefault("SP_COMMIT_INTERVAL_MS", "20"))),
        Integer.parseInt(env.getOrDefault("SP_STREAM_THREADS", "2")),
        Short.parseShort(env.getOrDefault("SP_REPLICATION_FACTOR", "1")),
        ApiKeys.parse(env.get("SP_API_KEYS")),
        signingKey,
        ServerSecret.configured(env.get(ServerSecret.ENV), signingKey),
        new Admission.Limits(
            integer(env, "SP_MAX_BODY_BYTES", Admission.Limits.DEFAULT_MAX_BODY_BYTES),
            integer(env, "SP_MAX_JSON_DEPTH", Admission.Limits.DEFAULT_MAX_DEPTH)),
        Duration.ofHours(Long.parseLong(env.getOrDefault("SP_IDEMPOTENCY_RETENTION_HOURS", "24"))),
        env.get("SP_INSTANCE_ID"));
  }

  private static int integer(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'", e);
    }
  }
}
