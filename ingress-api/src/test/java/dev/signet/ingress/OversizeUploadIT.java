package dev.signet.ingress;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.signet.ingress.exchange.ExchangeGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Huge uploads against the real embedded Tomcat, over a plain socket so that the test sees both how
 * much of the body the server took and the response it sent while the client was still writing.
 * Kafka and PostgreSQL are not needed: the gateway and the queries are mocks.
 */
@StandaloneIngress
@TestPropertySource(properties = "signet.max-body-bytes=65536")
class OversizeUploadIT {

  private static final long UPLOAD_BYTES = 300L * 1024 * 1024;
  private static final int CHUNK_BYTES = 64 * 1024;
  // The server's 64 KiB limit, Tomcat's 64 KiB swallow (max-swallow-size follows the limit) and
  // what socket buffers hold between the two ends: a bounded server stays well under 1 MiB
  // (about 400 KiB measured); Tomcat's default 2 MiB swallow alone would exceed it.
  private static final long AT_MOST_TAKEN = 1024L * 1024;

  @LocalServerPort int port;
  @Autowired ExchangeGateway gateway;

  /** What the server answered, how much the client had sent when the answer came, and in all. */
  record Upload(String head, long sentBeforeResponse, long sent, boolean closedByServer) {
    int status() {
      return Integer.parseInt(head.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
    }
  }

  @Test
  void shouldAnswer401ToAnUnauthenticatedHugeChunkedUploadWithoutReadingIt() {
    Upload upload = upload("/v1/exchange", "", true);

    assertThat(upload.status()).isEqualTo(401);
    assertThat(upload.sentBeforeResponse()).isLessThan(AT_MOST_TAKEN);
    assertThat(upload.closedByServer()).isTrue();
    assertThat(upload.sent()).isLessThan(AT_MOST_TAKEN);
  }

  @Test
  void shouldAnswer413ToAnAuthenticatedHugeChunkedUploadAndCloseTheConnection() {
    Upload upload =
        upload(
            "/v1/exchange", "X-SIGNET-API-Key: demo_key\r\nX-SIGNET-Idempotency-Key: k1\r\n", true);

    assertThat(upload.status()).isEqualTo(413);
    assertThat(upload.head())
        .containsIgnoringCase("connection: close")
        .contains("application/problem+json");
    assertThat(upload.sentBeforeResponse()).isLessThan(AT_MOST_TAKEN);
    assertThat(upload.closedByServer()).isTrue();
    assertThat(upload.sent()).isLessThan(AT_MOST_TAKEN);
    verify(gateway, never()).submit(anyString(), any(), anyString(), anyString());
  }

  @Test
  void shouldAnswer413ToADeclaredHugeUploadBeforeReadingIt() {
    Upload upload =
        upload(
            "/v1/exchange",
            "X-SIGNET-API-Key: demo_key\r\nX-SIGNET-Idempotency-Key: k1\r\n",
            false);

    assertThat(upload.status()).isEqualTo(413);
    assertThat(upload.sentBeforeResponse()).isLessThan(AT_MOST_TAKEN);
    assertThat(upload.closedByServer()).isTrue();
  }

  @Test
  void shouldAnswer413ToAnAuthenticatedHugeExportRequest() {
    Upload upload = upload("/v1/export/bundle", "X-SIGNET-API-Key: demo_key\r\n", true);

    assertThat(upload.status()).isEqualTo(413);
    assertThat(upload.sent()).isLessThan(AT_MOST_TAKEN);
  }

  /**
   * Streams {@link #UPLOAD_BYTES} of generated body, chunked or with its length declared, and keeps
   * writing after the response until the server closes the connection or the body ends.
   */
  private Upload upload(String path, String headers, boolean chunked) {
    return assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try (Socket socket = new Socket()) {
            // A small send buffer keeps what the kernel holds for the server out of the count.
            socket.setSendBufferSize(CHUNK_BYTES);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            CompletableFuture<String> head = CompletableFuture.supplyAsync(() -> readHead(in));
            String framing =
                chunked
                    ? "Transfer-Encoding: chunked\r\n"
                    : "Content-Length: " + UPLOAD_BYTES + "\r\n";
            out.write(
                ("POST "
                        + path
                        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + framing
                        + headers
                        + "\r\n")
                    .getBytes(US_ASCII));
            byte[] data = new byte[CHUNK_BYTES];
            Arrays.fill(data, (byte) 'x');
            byte[] chunk = chunked ? chunk(data) : data;
            long sent = 0;
            long sentBeforeResponse = -1;
            boolean closedByServer = false;
            try {
              while (sent < UPLOAD_BYTES) {
                if (sentBeforeResponse < 0 && head.isDone()) {
                  sentBeforeResponse = sent;
                }
                out.write(chunk);
                sent += CHUNK_BYTES;
              }
            } catch (IOException e) {
              // Broken pipe or reset: the server closed the connection on the unread rest.
              // Expected.
              closedByServer = true;
            }
            String response = head.get(30, TimeUnit.SECONDS);
            return new Upload(
                response, sentBeforeResponse < 0 ? sent : sentBeforeResponse, sent, closedByServer);
          }
        });
  }

  private static byte[] chunk(byte[] data) {
    ByteArrayOutputStream chunk = new ByteArrayOutputStream(data.length + 16);
    chunk.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(US_ASCII));
    chunk.writeBytes(data);
    chunk.writeBytes("\r\n".getBytes(US_ASCII));
    return chunk.toByteArray();
  }

  /** The status line and headers of the response. */
  private static String readHead(InputStream in) {
    StringBuilder head = new StringBuilder();
    try {
      int b;
      while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
        head.append((char) b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("no response head, got: " + head, e);
    }
    return head.toString();
  }
}
