package dev.signet.core.crypto;

import dev.signet.core.message.SignetHeaders;

/**
 * The MACs of the forward stage's records, each under its own key derived from the server secret
 * and carried in {@link SignetHeaders#RECORD_MAC}: forward requests (the worker sends data on them)
 * and forward outcomes (the processor signs receipts from them). A record without a valid MAC is
 * refused by its reader.
 */
public record ForwardMacs(RecordMac request, RecordMac outcome) {

  public static ForwardMacs of(ServerSecret secret) {
    return new ForwardMacs(
        new RecordMac(secret, "forward/request/v1", SignetHeaders.RECORD_MAC),
        new RecordMac(secret, "forward/outcome/v1", SignetHeaders.RECORD_MAC));
  }
}
