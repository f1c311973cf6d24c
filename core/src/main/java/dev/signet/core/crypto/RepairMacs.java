package dev.signet.core.crypto;

import dev.signet.core.message.SignetHeaders;

/**
 * The MACs of the repair stage's records, each under its own key derived from the server secret and
 * carried in {@link SignetHeaders#RECORD_MAC}: repair requests (the worker spends money on them),
 * repair outcomes (the processor signs receipts from them) and FU charges (billing bills them). A
 * record without a valid MAC is refused by its reader.
 */
public record RepairMacs(RecordMac request, RecordMac outcome, RecordMac fuCharge) {

  public static RepairMacs of(ServerSecret secret) {
    return new RepairMacs(
        new RecordMac(secret, "repair/request/v1", SignetHeaders.RECORD_MAC),
        new RecordMac(secret, "repair/outcome/v1", SignetHeaders.RECORD_MAC),
        new RecordMac(secret, "repair/fu-charge/v1", SignetHeaders.RECORD_MAC));
  }
}
