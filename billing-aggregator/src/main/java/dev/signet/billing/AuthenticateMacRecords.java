package dev.signet.billing;

import dev.signet.core.crypto.RecordMac;
import dev.signet.core.json.Json;
import dev.signet.core.message.FuCharge;
import dev.signet.core.message.ReservedConfigChange;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Lets through only the records Signet itself wrote to a topic billing acts on: each must carry its
 * writer's {@code x-signet-record-mac} over its exact value bytes. Anything else (a forged price
 * list or FU charge, a tombstone, which Signet never writes) is dropped with an ERROR log and a
 * count by reason: write access to the topic alone cannot change what a tenant pays.
 *
 * <ul>
 *   <li>{@link #reservedConfig}: {@code signet.billing.reserved-config.v1}, counted in {@value
 *       #RESERVED_CONFIG_REJECTED}.
 *   <li>{@link #fuCharges}: {@code signet.exchange.fu-charges.v1}, counted in {@value
 *       #FU_CHARGES_REJECTED}.
 * </ul>
 */
final class AuthenticateMacRecords<T> implements FixedKeyProcessor<String, byte[], T> {

  static final String RESERVED_CONFIG_REJECTED = "signet.billing.reserved.config.rejected";
  static final String FU_CHARGES_REJECTED = "signet.billing.fu.charges.rejected";

  private final RecordMac mac;
  private final Class<T> type;
  private final String tombstoneDetail;
  private final RefusedRecords refusals;
  private FixedKeyProcessorContext<String, T> context;

  private AuthenticateMacRecords(
      RecordMac mac, Class<T> type, String tombstoneDetail, RefusedRecords refusals) {
    this.mac = Objects.requireNonNull(mac, "mac");
    this.type = type;
    this.tombstoneDetail = tombstoneDetail;
    this.refusals = refusals;
  }

  static AuthenticateMacRecords<ReservedConfigChange> reservedConfig(
      RecordMac mac, MeterRegistry registry) {
    return new AuthenticateMacRecords<>(
        mac,
        ReservedConfigChange.class,
        "a tombstone; Signet removes a reservation with action=removed",
        new RefusedRecords(
            registry,
            RESERVED_CONFIG_REJECTED,
            "Records of the reserved-config topic billing does not apply",
            AuthenticateMacRecords.class,
            "Not applying reserved-config record"));
  }

  static AuthenticateMacRecords<FuCharge> fuCharges(RecordMac mac, MeterRegistry registry) {
    return new AuthenticateMacRecords<>(
        mac,
        FuCharge.class,
        "a tombstone; the processor never deletes a charge",
        new RefusedRecords(
            registry,
            FU_CHARGES_REJECTED,
            "Records of the FU charges topic billing does not bill",
            AuthenticateMacRecords.class,
            "Not billing FU charge record"));
  }

  @Override
  public void init(FixedKeyProcessorContext<String, T> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    if (record.value() == null) {
      refuse(record, "TOMBSTONE", tombstoneDetail);
      return;
    }
    if (!mac.verify(record.headers(), record.value())) {
      refuse(record, "MAC_INVALID", "no valid x-signet-record-mac: not written by Signet");
      return;
    }
    T value;
    try {
      value = Json.read(record.value(), type);
    } catch (RuntimeException e) {
      refuse(
          record,
          "UNREADABLE",
          "authentic record that is no " + type.getSimpleName() + ": " + e.getMessage());
      return;
    }
    context.forward(record.withValue(value));
  }

  private void refuse(FixedKeyRecord<String, byte[]> record, String reason, String detail) {
    refusals.refuse(context, record.key(), reason, detail);
  }
}
