package dev.signet.processor.egress;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.io.ModalCloseable;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs a verified document to a checked target, connecting only to the address the policy allowed,
 * with TLS verified for the original host name.
 *
 * <p>Each route is built with its pinned address ({@link HttpHost} with address and name), so the
 * connection operator dials that address without a lookup, the TLS layer sends SNI and verifies the
 * certificate (JSSE endpoint identification and HttpClient's default verifier) for the name, and
 * the pool keys connections by the pin too: a kept-alive connection to yesterday's address is never
 * reused for today's. The resolver refuses every name, so nothing can look one up again.
 *
 * <p>No redirects (a 3xx is just the status), no retries (delivery retries are the worker's call),
 * no cookies, no auth caching, no proxies, no content decoding (the cid is over the bytes
 * received). The response body is hashed up to the maximum, never kept. Thread-safe: one instance,
 * one connection pool, shared by the worker's threads.
 */
public final class PinnedForwarder implements Forwarder {

  private static final Logger log = LoggerFactory.getLogger(PinnedForwarder.class);

  // RFC 8259: JSON is UTF-8 and application/json defines no charset parameter.
  private static final ContentType JSON = ContentType.create("application/json");
  private static final String SIGNET_HEADER_PREFIX = "x-signet-";
  private static final int MAX_DETAIL = 160;

  private final ForwarderSettings settings;
  private final CloseableHttpClient client;
  private final ScheduledExecutorService deadlines;

  /** A forwarder that trusts the JVM's default trust store: the production one. */
  public static PinnedForwarder create(ForwarderSettings settings) {
    return new PinnedForwarder(settings, SSLContexts.createDefault());
  }

  /**
   * A forwarder trusting what {@code tls} trusts (tests pass a context with their own CA). The
   * certificate is always verified for the target's host name, whatever the context.
   */
  public PinnedForwarder(ForwarderSettings settings, SSLContext tls) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(tls, "tls");
    Timeout connect = Timeout.of(settings.connectTimeout());
    Timeout read = Timeout.of(settings.readTimeout());
    PoolingHttpClientConnectionManager pool =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setDnsResolver(new RefusingDnsResolver())
            .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls))
            .setMaxConnTotal(settings.maxConnectionsTotal())
            .setMaxConnPerRoute(settings.maxConnectionsPerRoute())
            .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(read).build())
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(connect)
                    .setSocketTimeout(read)
                    .setTimeToLive(TimeValue.ofMinutes(1))
                    .build())
            .setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(connect).build())
            .build();
    this.client =
        HttpClients.custom()
            .setConnectionManager(pool)
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    // Waiting for a pooled connection counts as connecting.
                    .setConnectionRequestTimeout(connect)
                    .setResponseTimeout(read)
                    .setRedirectsEnabled(false)
                    .build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .disableConnectionState()
            .setUserAgent("Signet-Forwarder")
            .evictIdleConnections(TimeValue.ofSeconds(30))
            .build();
    this.deadlines =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "signet-forward-deadlines");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * POSTs {@code body} as {@code application/json} to the pinned target with the given {@code
   * X-Signet-*} headers. Network, TLS and HTTP outcomes are results, never exceptions.
   *
   * @throws IllegalArgumentException for a header that is not an {@code X-Signet-*} header or whose
   *     value is not one line
   */
  @Override
  public ForwardResult forward(
      PinnedTarget target, byte[] body, Map<String, String> signetHeaders) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(body, "body");
    Map<String, String> headers = Map.copyOf(signetHeaders);
    headers.forEach(PinnedForwarder::requireSignetHeader);
    if (!target.tls() && !target.pinned().isLoopbackAddress()) {
      // The policy allows plain HTTP only to loopback (development switch); hold the line here too.
      return ForwardResult.failed(ForwardResult.REFUSED, "plain http only to a loopback address");
    }

    HttpHost route = new HttpHost(target.scheme(), target.pinned(), target.host(), target.port());
    HttpPost post = new HttpPost(target.pathAndQuery());
    headers.forEach(post::setHeader);
    post.setEntity(new ByteArrayEntity(body, JSON));

    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> deadline =
        deadlines.schedule(
            () -> {
              expired.set(true);
              post.cancel();
            },
            settings.totalTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
    BodyDigest digest = new BodyDigest();
    int status = 0;
    ClassicHttpResponse response = null;
    try {
      response = client.executeOpen(route, post, HttpClientContext.create());
      status = response.getCode();
      return read(post, response, digest);
    } catch (IOException | RuntimeException e) {
      if (response != null) {
        abort(post, response);
      }
      if (e instanceof RuntimeException runtime && !expired.get()) {
        throw runtime;
      }
      String error = classify(e, expired.get());
      log.debug("forward to {} ({}) failed: {}", target.host(), target.pinned(), error, e);
      return new ForwardResult(
          status, digest.size(), digest.size() > 0 ? digest.cid() : null, false, error);
    } finally {
      deadline.cancel(false);
    }
  }

  /**
   * Reads the answer and closes the response: normally when the body ended (the connection goes
   * back to the pool), immediately when it is cut (closing normally would drain the rest).
   */
  private ForwardResult read(HttpPost post, ClassicHttpResponse response, BodyDigest digest)
      throws IOException {
    int status = response.getCode();
    if (status < 100 || status > 599) {
      // A stranger's server chooses this number; the receipt only records real HTTP statuses.
      abort(post, response);
      return ForwardResult.failed(ForwardResult.IO, "status " + status + " is not HTTP");
    }
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      response.close();
      return new ForwardResult(status, 0, digest.cid(), false, null);
    }
    long max = settings.maxResponseBytes();
    long declared = entity.getContentLength();
    if (declared > max) {
      abort(post, response);
      return new ForwardResult(
          status,
          0,
          null,
          true,
          ForwardResult.describe(
              ForwardResult.TOO_LARGE, "Content-Length " + declared + " exceeds " + max));
    }
    InputStream in = entity.getContent();
    if (digest.readAtMost(in, max)) {
      abort(post, response);
      return new ForwardResult(
          status,
          digest.size(),
          digest.cid(),
          true,
          ForwardResult.describe(ForwardResult.TOO_LARGE, "body cut at " + max + " bytes"));
    }
    in.close();
    response.close();
    return new ForwardResult(status, digest.size(), digest.cid(), false, null);
  }

  /** Drops the connection without reading on. */
  private static void abort(HttpPost post, ClassicHttpResponse response) {
    post.cancel();
    if (response instanceof ModalCloseable closeable) {
      closeable.close(CloseMode.IMMEDIATE);
    }
  }

  static String classify(Throwable failure, boolean expired) {
    if (expired) {
      return ForwardResult.describe(ForwardResult.TIMEOUT, "total deadline passed");
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return ForwardResult.describe(ForwardResult.TLS, detail(t));
      }
    }
    // Connect, handshake, read and pool-lease timeouts are all interrupted I/O.
    if (failure instanceof InterruptedIOException) {
      return ForwardResult.describe(ForwardResult.TIMEOUT, detail(failure));
    }
    if (failure instanceof ConnectException
        || failure instanceof NoRouteToHostException
        || failure instanceof UnknownHostException) {
      return ForwardResult.describe(ForwardResult.CONNECT, detail(failure));
    }
    return ForwardResult.describe(ForwardResult.IO, detail(failure));
  }

  private static String detail(Throwable t) {
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    String oneLine = message.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL) + "...";
  }

  private static void requireSignetHeader(String name, String value) {
    if (!name.toLowerCase(Locale.ROOT).startsWith(SIGNET_HEADER_PREFIX)) {
      throw new IllegalArgumentException("only X-Signet-* headers may be set, got " + name);
    }
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header " + name + " must be one line");
    }
  }

  /** Closes every pooled connection and stops the deadline timer. */
  @Override
  public void close() {
    deadlines.shutdownNow();
    client.close(CloseMode.IMMEDIATE);
  }
}
