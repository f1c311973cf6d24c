package dev.signet.processor.egress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The forwarder's resolver: it answers no name at all. Every route carries its pinned address,
 * which the connection operator uses without asking a resolver; any path that would still look a
 * name up (a second lookup, a rebinding answer) fails closed here instead of reaching DNS.
 */
final class RefusingDnsResolver implements DnsResolver {

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    throw refused(host);
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    throw refused(host);
  }

  @Override
  public String resolveCanonicalHostname(String host) throws UnknownHostException {
    throw refused(host);
  }

  private static UnknownHostException refused(String host) {
    return new UnknownHostException("no lookups on the pinned dial: " + host);
  }
}
