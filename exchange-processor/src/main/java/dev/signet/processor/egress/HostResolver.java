package dev.signet.processor.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Looks a host name up. Injected into {@link EgressPolicy#resolve} so that tests answer with any
 * address set and production uses {@link SystemHostResolver}.
 */
@FunctionalInterface
public interface HostResolver {

  /**
   * Every address {@code asciiHost} resolves to, in the resolver's order.
   *
   * @throws UnknownHostException when the name does not resolve
   */
  List<InetAddress> resolve(String asciiHost) throws UnknownHostException;
}
