package dev.signet.launcher;

import dev.signet.billing.stripe.StripeConfig;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.SigningKey;
import dev.signet.processor.egress.EgressSettings;
import dev.signet.processor.repair.ModelSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the whole pipeline's services find their infrastructure, and how they are tuned. {@code
 * serverSecret} is the {@code SP_SERVER_SECRET} text, or null to derive it from the key; {@code
 * reservedConfig} the {@code SP_RESERVED_CONFIG} file, or null when none is configured; {@code
 * schemaDir} the {@code SP_SCHEMA_DIR} of extra types and mappings, or null (built-ins only), given
 * to the processor and ingress alike; {@code model} the LLM fallback's {@code SP_OPENAI_*}; {@code
 * egress} the forwarding policy's {@code SP_HEL_*}; {@code kafkaClient} the security settings every
 * service's Kafka clients use ({@code SP_KAFKA_PROPERTIES}, {@code SP_KAFKA_*}); {@code
 * apiKeysFile} the {@code SP_API_KEYS_FILE} every service re-reads every {@code
 * apiKeysReloadInterval} while running ({@code apiKeysJson} is its content at start), or null;
 * {@code rocksDbMemoryMb} the native memory the processor's and billing's RocksDB stores share
 * ({@code SP_ROCKSDB_MEMORY_MB}).
 */
public record PipelineSettings(
    String kafkaBootstrap,
    KafkaClientProperties kafkaClient,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    SigningKey signingKey,
    String serverSecret,
    String apiKeysJson,
    Path apiKeysFile,
    Duration apiKeysReloadInterval,
    String retiredJwks,
    Path stateDir,
    int httpPort,
    Duration commitInterval,
    int streamThreads,
    Path reservedConfig,
    BillingTuning billing,
    Path schemaDir,
    ModelSettings model,
    EgressSettings egress,
    int rocksDbMemoryMb) {

  /**
   * Billing's settings beyond the infrastructure: grace ({@code SP_BILLING_GRACE}), charge interval
   * ({@code SP_BILLING_CHARGE_INTERVAL}) and Stripe ({@code SP_STRIPE_API_KEY}, {@code
   * SP_STRIPE_API_BASE}; empty: pushing off).
   */
  public record BillingTuning(
      Duration grace, Duration chargeInterval, Optional<StripeConfig> stripe) {
    public BillingTuning {
      Objects.requireNonNull(grace, "grace");
      Objects.requireNonNull(chargeInterval, "chargeInterval");
      Objects.requireNonNull(stripe, "stripe");
    }
  }

  public PipelineSettings {
    Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
    Objects.requireNonNull(kafkaClient, "kafkaClient");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(signingKey, "signingKey");
    Objects.requireNonNull(apiKeysJson, "apiKeysJson");
    Objects.requireNonNull(apiKeysReloadInterval, "apiKeysReloadInterval");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(commitInterval, "commitInterval");
    Objects.requireNonNull(billing, "billing");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(egress, "egress");
  }
}
