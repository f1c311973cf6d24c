package dev.signet.processor.egress;

import java.util.Map;

/**
 * The dial the forward worker makes once the policy has allowed a target: {@link PinnedForwarder}
 * in production. An interface so the worker can be tested through a real broker with a dial that
 * records the pinned target it was given before it connects.
 */
interface Forwarder extends AutoCloseable {

  /**
   * POSTs {@code body} to {@code target}'s pinned address; network, TLS and HTTP outcomes are
   * results, never exceptions.
   */
  ForwardResult forward(PinnedTarget target, byte[] body, Map<String, String> signetHeaders);

  @Override
  void close();
}
