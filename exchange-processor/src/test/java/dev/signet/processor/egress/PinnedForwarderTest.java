package dev.signet.processor.egress;

import static dev.signet.processor.egress.LoopbackServer.ipv4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.processor.egress.LoopbackServer.Received;
import dev.signet.processor.egress.TestPki.ServerIdentity;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pinned dial against loopback servers with a CA made at test time. The target host is {@code
 * forward.test}, a reserved name (RFC 6761) that no resolver answers: every success below could
 * only reach the server through the pinned address.
 */
class PinnedForwarderTest {

  private static final String HOST = "forward.test";
  private static final InetAddress LOOPBACK = ipv4(127, 0, 0, 1);
  private static final int MIB = 1024 * 1024;
  private static final byte[] DOCUMENT =
      "{\"amount\":\"12.50\",\"invoice_id\":\"INV-7\"}".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> HEADERS =
      Map.of(
          "X-Signet-Cid", "sha256:" + "ab".repeat(32),
          "X-Signet-Trace", "trace-1",
          "X-Signet-Exchange-Id", "ex-42");

  private static final TestPki CA = TestPki.newCa("Signet Test CA");
  private static final SSLContext SERVER_TLS = TestPki.serverContext(CA.issue(HOST));

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  @Test
  void shouldPostTheDocumentAndSignetHeadersAndHashTheAnswer() {
    byte[] answer = "{\"accepted\":true}".getBytes(StandardCharsets.UTF_8);
    LoopbackServer server =
        server(LoopbackServer.https(SERVER_TLS))
            .on("/", exchange -> LoopbackServer.respond(exchange, 200, answer));

    ForwardResult result =
        forwarder(settings()).forward(target(server, "/hook?x=1", LOOPBACK), DOCUMENT, HEADERS);

    assertThat(result).isEqualTo(new ForwardResult(200, answer.length, cid(answer), false, null));
    assertThat(server.received()).hasSize(1);
    Received request = server.received().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.pathAndQuery()).isEqualTo("/hook?x=1");
    assertThat(request.body()).isEqualTo(DOCUMENT);
    assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/json");
    assertThat(request.headers().getFirst("Host")).isEqualTo(HOST + ":" + server.port());
    HEADERS.forEach(
        (name, value) -> assertThat(request.headers().get(name)).containsExactly(value));
    assertThat(request.headers()).doesNotContainKeys("Cookie", "Authorization", "Accept-Encoding");
  }

  @Test
  void shouldRecordA5xxAsACompleteAnswer() {
    LoopbackServer server =
        server(LoopbackServer.https(SERVER_TLS))
            .on("/", exchange -> LoopbackServer.respond(exchange, 503, new byte[0]));

    ForwardResult result =
        forwarder(settings()).forward(target(server, "/", LOOPBACK), DOCUMENT, HEADERS);

    assertThat(result).isEqualTo(new ForwardResult(503, 0, cid(new byte[0]), false, null));
  }

  @Test
  void shouldVerifyAnIpLiteralHostAgainstTheCertificatesAddress() {
    SSLContext forAddress = TestPki.serverContext(CA.issueForAddress("127.0.0.1"));
    LoopbackServer server =
        server(LoopbackServer.https(forAddress))
            .on("/", exchange -> LoopbackServer.respond(exchange, 204, new byte[0]));
    PinnedTarget target =
        new PinnedTarget(
            "https://127.0.0.1:" + server.port() + "/", "127.0.0.1", server.port(), "/", LOOPBACK);

    ForwardResult result = forwarder(settings()).forward(target, DOCUMENT, HEADERS);

    assertThat(result.statusCode()).isEqualTo(204);
    assertThat(result.complete()).isTrue();
  }

  @Test
  void shouldRefuseAnAddressCertificateForANamedHost() {
    // The certificate is valid for the address dialled, but not for the name the target asked.
    SSLContext forAddress = TestPki.serverContext(CA.issueForAddress("127.0.0.1"));
    LoopbackServer server =
        server(LoopbackServer.https(forAddress))
            .on("/", exchange -> LoopbackServer.respond(exchange, 204, new byte[0]));

    ForwardResult result =
        forwarder(settings()).forward(target(server, "/", LOOPBACK), DOCUMENT, HEADERS);

    assertThat(result.errorCode()).isEqualTo(ForwardResult.TLS);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void shouldRecordAStatusOutsideHttpAsAnIoFailure() {
    LoopbackServer server =
        server(LoopbackServer.https(SERVER_TLS))
            .on("/", exchange -> LoopbackServer.respond(exchange, 999, new byte[0]));

    ForwardResult result =
        forwarder(settings()).forward(target(server, "/", LOOPBACK), DOCUMENT, HEADERS);

    assertThat(result.errorCode()).isEqualTo(ForwardResult.IO);
    assertThat(result.statusCode()).isZero();
  }

  @Test
  void shouldRefuseACertificateForAnotherHostName() {
    SSLContext otherName = TestPki.serverContext(CA.issue("other.test"));
    LoopbackServer server =
        server(LoopbackServer.https(otherName))
            .on("/", exchange -> LoopbackServer.respond(exchange, 200, new byte[0]));

    ForwardResult result =
        forwarder(settings()).forward(target(server, "/", LOOPBACK), DOCUMENT, HEADERS);

    assertThat(result.errorCode()).isEqualTo(ForwardResult.TLS);
    assertThat(result.statusCode()).isZero();
    assertThat(server.received()).isEmpty();
  }

  @Test
  void shouldRefuseACertificateFromAnUntrustedCa() {
    ServerIdentity stranger = TestPki.newCa("Stranger CA").issue(HOST);
    LoopbackServer server =
        server(LoopbackServer.https(TestPki.serverContext(stranger)))
            .on("/", exchange -> LoopbackServer.respond(exchange, 200, new byte[0]));

    ForwardResult result =
        forwarder(settings()).forward(target(server, "/", LOOPBACK), DOCUMENT, HEADERS);

    assertThat(result.errorCode()).isEqualTo(ForwardResult.TLS);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void shouldReturnARedirectWithoutFollowingIt() {
    LoopbackServer server = server(LoopbackServer.https(SERVER_TLS));
    server
        .on(
            "/hook",
            exchange -> {
              // Same host, port and pin: a client that followed redirects would land here.
              exchange
                  .getResponseHeaders()
                  .add("Location", "https://" + HOST + ":" + server.port() + "/landing");
              LoopbackServer.respond(exchange, 302, new byte[0]);
            })
        .on("/landing", exchange -> LoopbackServer.respond(exchange, 200, new byte[0]));

    ForwardResult result =
        forwarder(settings()).forward(target(server, "/hook", LOOPBACK), DOCUMENT, HEADERS);

    assertThat(result.statusCode()).isEqualTo(302);
    assertThat(result.complete()).isTrue();
    assertThat(server.received()).extracting(Received::pathAndQuery).containsExactly("/hook");
  }

  @Test
  void shouldCutAStreamedBodyAtTheMaximum() {
    byte[] twoMib = new byte[2 * MIB];
    Arrays.fill(twoMib, (byte) 'x');
    LoopbackServer server =
        server(LoopbackServer.https(SERVER_TLS))
            .on(
                "/",
                exchange -> {
                  exchange.sendResponseHeaders(200, 0); // chunked: no Content-Length
                  OutputStream out = exchange.getResponseBody();
                  for (int offset = 0; offset < twoMib.length; offset += 16 * 1024) {
                    out.write(twoMib, offset, 16 * 1024);
                  }
                });

    ForwardResult result =
        forwarder(settings()).forward(target(server, "/", LOOPBACK), DOCUMENT, HEADERS);

    assertThat(result.statusCode()).isEqualTo(200);
    assertThat(result.truncated()).isTrue();
    assertThat(result.responseSize()).isEqualTo(MIB);
    assertThat(result.responseCid()).isEqualTo(cid(Arrays.copyOf(twoMib, MIB)));
    assertThat(result.errorCode()).isEqualTo(ForwardResult.TOO_LARGE);
  }

  @Test
  void shouldAcceptABodyOfExactlyTheMaximum() {
    byte[] oneMib = new byte[MIB];
    Arrays.fill(oneMib, (byte) 'y');
    LoopbackServer server =
        server(LoopbackServer.https(SERVER_TLS))
            .on(
                "/",
                exchange -> {
                  exchange.sendResponseHeaders(200, 0);
                  exchange.getResponseBody().write(oneMib);
                });

    ForwardResult result =
        forwarder(settings()).forward(target(server, "/", LOOPBACK), DOCUMENT, HEADERS);

    assertThat(result).isEqualTo(new ForwardResult(200, MIB, cid(oneMib), false, null));
  }

  @Test
  void shouldRefuseADeclaredLengthOverTheMaximumWithoutReadingTheBody() {
    LoopbackServer server = server(LoopbackServer.https(SERVER_TLS));
    server.on(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, 2L * MIB);
          exchange.getResponseBody().write(new byte[1024]);
          exchange.getResponseBody().flush();
          // The rest never comes: a client that read on would wait into its read timeout.
          server.awaitRelease(Duration.ofSeconds(30));
        });

    ForwardResult result =
        forwarder(settings()).forward(target(server, "/", LOOPBACK), DOCUMENT, HEADERS);

    assertThat(result)
        .isEqualTo(
            new ForwardResult(
                200, 0, null, true, "FORWARD_TOO_LARGE: Content-Length 2097152 exceeds 1048576"));
  }

  @Test
  void shouldTimeOutWhenTheAnswerTakesLongerThanTheReadTimeout() {
    LoopbackServer server = server(LoopbackServer.https(SERVER_TLS));
    server.on(
        "/",
        exchange -> {
          server.awaitRelease(Duration.ofSeconds(3));
          LoopbackServer.respond(exchange, 200, new byte[0]);
        });
    ForwarderSettings oneSecondRead =
        new ForwarderSettings(
            Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(15), MIB, 4, 2);

    ForwardResult result =
        forwarder(oneSecondRead).forward(target(server, "/", LOOPBACK), DOCUMENT, HEADERS);

    assertThat(result.errorCode()).isEqualTo(ForwardResult.TIMEOUT);
    assertThat(result.error()).doesNotContain("total deadline");
    assertThat(result.statusCode()).isZero();
  }

  @Test
  void shouldCancelAtTheTotalDeadlineWhileTheBodyTrickles() {
    LoopbackServer server = server(LoopbackServer.https(SERVER_TLS));
    server.on(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          // A byte every 200 ms never trips the 1 s read timeout; only the total deadline ends it.
          for (int i = 0; i < 100; i++) {
            out.write('z');
            out.flush();
            server.awaitRelease(Duration.ofMillis(200));
          }
        });
    ForwarderSettings shortTotal =
        new ForwarderSettings(
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(1500), MIB, 4, 2);

    long started = System.nanoTime();
    ForwardResult result =
        forwarder(shortTotal).forward(target(server, "/", LOOPBACK), DOCUMENT, HEADERS);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(result.error()).isEqualTo("FORWARD_TIMEOUT: total deadline passed");
    assertThat(result.statusCode()).isEqualTo(200);
    assertThat(result.responseSize()).isPositive();
    assertThat(took).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void shouldNeverReuseAConnectionToAnotherPinForTheSameHost() {
    LoopbackServer server =
        server(LoopbackServer.https(SERVER_TLS))
            .on("/", exchange -> LoopbackServer.respond(exchange, 200, new byte[0]));
    PinnedForwarder forwarder = forwarder(settings());

    ForwardResult first = forwarder.forward(target(server, "/", LOOPBACK), DOCUMENT, HEADERS);
    // Same name and port, now pinned to another loopback address where nothing listens: the
    // kept-alive connection to 127.0.0.1 must not serve it.
    ForwardResult second =
        forwarder.forward(target(server, "/", ipv4(127, 0, 0, 2)), DOCUMENT, HEADERS);

    assertThat(first.complete()).isTrue();
    assertThat(second.errorCode()).isEqualTo(ForwardResult.CONNECT);
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void shouldDialThePinEvenWhenTheNameResolvesToAListeningServer() {
    // localhost resolves to 127.0.0.1, where this server listens; the pin says 127.0.0.2.
    LoopbackServer server =
        server(LoopbackServer.http())
            .on("/", exchange -> LoopbackServer.respond(exchange, 200, new byte[0]));
    PinnedTarget target =
        new PinnedTarget(
            "http://localhost:" + server.port() + "/",
            "localhost",
            server.port(),
            "/",
            ipv4(127, 0, 0, 2));

    ForwardResult result = forwarder(settings()).forward(target, DOCUMENT, HEADERS);

    assertThat(result.errorCode()).isEqualTo(ForwardResult.CONNECT);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void shouldPostOverPlainHttpToLoopbackForDevelopment() {
    byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
    LoopbackServer server =
        server(LoopbackServer.http())
            .on("/", exchange -> LoopbackServer.respond(exchange, 200, answer));
    PinnedTarget target =
        new PinnedTarget(
            "http://" + HOST + ":" + server.port() + "/in", HOST, server.port(), "/in", LOOPBACK);

    ForwardResult result = forwarder(settings()).forward(target, DOCUMENT, HEADERS);

    assertThat(result).isEqualTo(new ForwardResult(200, 2, cid(answer), false, null));
    assertThat(server.received()).extracting(Received::body).containsExactly(DOCUMENT);
  }

  @Test
  void shouldRefusePlainHttpToAnAddressThatIsNotLoopback() {
    PinnedTarget target =
        new PinnedTarget("http://" + HOST + "/in", HOST, 80, "/in", ipv4(203, 0, 113, 9));

    ForwardResult result = forwarder(settings()).forward(target, DOCUMENT, HEADERS);

    assertThat(result.errorCode()).isEqualTo(ForwardResult.REFUSED);
  }

  @Test
  void shouldRefuseHeadersOtherThanSignetOnes() {
    PinnedForwarder forwarder = forwarder(settings());
    PinnedTarget target = new PinnedTarget("https://" + HOST + "/", HOST, 443, "/", LOOPBACK);

    assertThatThrownBy(() -> forwarder.forward(target, DOCUMENT, Map.of("Authorization", "x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRefuseAHeaderValueOfMoreThanOneLine() {
    PinnedForwarder forwarder = forwarder(settings());
    PinnedTarget target = new PinnedTarget("https://" + HOST + "/", HOST, 443, "/", LOOPBACK);

    assertThatThrownBy(
            () -> forwarder.forward(target, DOCUMENT, Map.of("X-Signet-Trace", "t\r\nCookie: a")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldServeConcurrentForwardsFromOnePool() throws Exception {
    LoopbackServer server =
        server(LoopbackServer.https(SERVER_TLS))
            .on(
                "/",
                exchange ->
                    LoopbackServer.respond(
                        exchange,
                        200,
                        exchange.getRequestURI().getPath().getBytes(StandardCharsets.UTF_8)));
    PinnedForwarder forwarder = forwarder(settings());
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Callable<ForwardResult>> calls = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        String path = "/n" + i;
        calls.add(() -> forwarder.forward(target(server, path, LOOPBACK), DOCUMENT, HEADERS));
      }
      List<Future<ForwardResult>> futures = callers.invokeAll(calls);
      for (int i = 0; i < futures.size(); i++) {
        byte[] expected = ("/n" + i).getBytes(StandardCharsets.UTF_8);
        assertThat(futures.get(i).get())
            .isEqualTo(new ForwardResult(200, expected.length, cid(expected), false, null));
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(server.received()).hasSize(24);
  }

  private PinnedForwarder forwarder(ForwarderSettings settings) {
    PinnedForwarder forwarder = new PinnedForwarder(settings, CA.trustingThisCa());
    closeables.add(forwarder);
    return forwarder;
  }

  private LoopbackServer server(LoopbackServer server) {
    closeables.add(server);
    return server;
  }

  private static ForwarderSettings settings() {
    return new ForwarderSettings(
        Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(15), MIB, 8, 8);
  }

  private static PinnedTarget target(LoopbackServer server, String pathAndQuery, InetAddress pin) {
    return new PinnedTarget(
        "https://" + HOST + ":" + server.port() + pathAndQuery,
        HOST,
        server.port(),
        pathAndQuery,
        pin);
  }

  private static String cid(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
