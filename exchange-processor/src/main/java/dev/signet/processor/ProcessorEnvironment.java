package dev.signet.processor;

import dev.signet.core.admission.Admission;
import dev.signet.core.config.Env;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.KeyParser;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.tenant.ApiKeysConfig;
import dev.signet.core.types.TypeRegistry;
import dev.signet.processor.egress.EgressSettings;
import dev.signet.processor.repair.ModelSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/** Builds the processor's config from its {@code SP_*} environment, through {@link Env}. */
public final class ProcessorEnvironment {

  private ProcessorEnvironment() {}

  public static ProcessorConfig fromEnvironment(Map<String, String> env) {
    return fromEnvironment(Env.of(env));
  }

  public static ProcessorConfig fromEnvironment(Env env) {
    SigningKey signingKey =
        KeyParser.parse(env.string("SP_KID", "signet-1"), env.optional("SP_PRIVATE_KEY_B64"));
    return new ProcessorConfig(
        env.string("SP_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        env.string("SP_PROCESSOR_APPLICATION_ID", ProcessorConfig.DEFAULT_APPLICATION_ID),
        env.path("SP_STATE_DIR", Path.of("/tmp/signet/streams")),
        env.duration(
            "SP_COMMIT_INTERVAL_MS", ChronoUnit.MILLIS, ProcessorConfig.DEFAULT_COMMIT_INTERVAL),
        env.integer("SP_STREAM_THREADS", 2),
        (short) env.integer("SP_REPLICATION_FACTOR", 1, Short.MIN_VALUE, Short.MAX_VALUE),
        ApiKeysConfig.fromEnvironment(env),
        signingKey,
        ServerSecret.configured(env.optional(ServerSecret.ENV), signingKey),
        new Admission.Limits(
            env.integer("SP_MAX_BODY_BYTES", Admission.Limits.DEFAULT_MAX_BODY_BYTES),
            env.integer("SP_MAX_JSON_DEPTH", Admission.Limits.DEFAULT_MAX_DEPTH)),
        env.duration("SP_IDEMPOTENCY_RETENTION_HOURS", ChronoUnit.HOURS, Duration.ofHours(24)),
        env.optional("SP_INSTANCE_ID"),
        TypeRegistry.load(Optional.ofNullable(env.path(TypeRegistry.ENV, null))),
        ModelSettings.fromEnvironment(env.asMap()),
        EgressSettings.fromEnvironment(env.asMap()),
        KafkaClientProperties.fromEnvironment(env));
  }
}
