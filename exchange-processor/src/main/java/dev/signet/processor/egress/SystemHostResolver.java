package dev.signet.processor.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The JVM's resolver ({@link InetAddress#getAllByName}), subject to its cache ({@code
 * networkaddress.cache.ttl}). Blocking: call it from the forward worker, never a stream thread.
 */
public final class SystemHostResolver implements HostResolver {

  @Override
  public List<InetAddress> resolve(String asciiHost) throws UnknownHostException {
    return List.of(InetAddress.getAllByName(asciiHost));
  }
}
