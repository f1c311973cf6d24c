package dev.signet.core.crypto;

import dev.signet.core.message.SignetHeaders;

/**
 * The MAC of the processor's results ({@code signet.exchange.results.v1}), under its own key
 * derived from the server secret, in {@link SignetHeaders#RECORD_MAC}. Ingress delivers a reply to
 * a waiting caller only when it carries this MAC, so a client with write access to the results
 * topic cannot answer for Signet; async consumers holding the secret can check it the same way.
 */
public final class ResultMac {

  private ResultMac() {}

  public static RecordMac of(ServerSecret secret) {
    return new RecordMac(secret, "exchange/result/v1", SignetHeaders.RECORD_MAC);
  }
}
