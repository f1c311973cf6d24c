package dev.signet.billing;

import dev.signet.core.crypto.RecordMac;
import dev.signet.core.json.Json;
import dev.signet.core.message.ReservedConfigChange;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Lets through only the reserved-config changes Signet published: a record of {@code
 * signet.billing.reserved-config.v1} must carry the publisher's {@code x-signet-record-mac} over
 * its exact value bytes. Anything else (a forged price list, a tombstone, which Signet never
 * writes) is dropped with an ERROR log and {@code
 * signet_billing_reserved_config_rejected_total{reason}}: write access to the topic alone cannot
 * change what a tenant pays.
 */
final class AuthenticateReservedConfig
    implements FixedKeyProcessor<String, byte[], ReservedConfigChange> {

  static final String REJECTED = "signet.billing.reserved.config.rejected";

  private final RecordMac mac;
  private final RefusedRecords refusals;
  private FixedKeyProcessorContext<String, ReservedConfigChange> context;

  AuthenticateReservedConfig(RecordMac mac, MeterRegistry registry) {
    this.mac = Objects.requireNonNull(mac, "mac");
    this.refusals =
        new RefusedRecords(
            registry,
            REJECTED,
            "Records of the reserved-config topic billing does not apply",
            AuthenticateReservedConfig.class,
            "Not applying reserved-config record");
  }

  @Override
  public void init(FixedKeyProcessorContext<String, ReservedConfigChange> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    if (record.value() == null) {
      refuse(record, "TOMBSTONE", "a tombstone; Signet removes a reservation with action=removed");
      return;
    }
    if (!mac.verify(record.headers(), record.value())) {
      refuse(record, "MAC_INVALID", "no valid x-signet-record-mac: not published by Signet");
      return;
    }
    ReservedConfigChange change;
    try {
      change = Json.read(record.value(), ReservedConfigChange.class);
    } catch (RuntimeException e) {
      refuse(record, "NOT_A_CHANGE", "authentic record that is not a change: " + e.getMessage());
      return;
    }
    context.forward(record.withValue(change));
  }

  private void refuse(FixedKeyRecord<String, byte[]> record, String reason, String detail) {
    refusals.refuse(context, record.key(), reason, detail);
  }
}
