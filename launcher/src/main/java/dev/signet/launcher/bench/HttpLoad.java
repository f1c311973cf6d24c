package dev.signet.launcher.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop HTTP/1.1 load generator: C threads, one keep-alive connection each, one request in
 * flight per connection. Deliberately minimal so that it takes little of the CPU it shares with the
 * system under test.
 */
final class HttpLoad {

  private final int port;
  private final IntFunction<byte[]> requestFor;

  HttpLoad(int port, IntFunction<byte[]> requestFor) {
    this.port = port;
    this.requestFor = requestFor;
  }

  record Result(long ok, long failed, long elapsedNanos) {}

  Result run(int concurrency, long durationNanos, Recorder latencies) throws InterruptedException {
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong sequence = new AtomicLong();
    long deadline = System.nanoTime() + durationNanos;
    Thread[] threads = new Thread[concurrency];
    long started = System.nanoTime();
    for (int t = 0; t < concurrency; t++) {
      threads[t] =
          new Thread(
              () -> {
                // Reconnects when the server closes a keep-alive connection; counts the request as
                // failed.
                while (System.nanoTime() < deadline) {
                  try (Socket socket = new Socket()) {
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    socket.setSoTimeout(30_000);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                    while (System.nanoTime() < deadline) {
                      byte[] request = requestFor.apply((int) sequence.incrementAndGet());
                      long sent = System.nanoTime();
                      out.write(request);
                      out.flush();
                      int status = readResponse(in);
                      latencies.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
                      (status == 200 ? ok : failed).incrementAndGet();
                    }
                  } catch (IOException e) {
                    failed.incrementAndGet();
                  }
                }
              },
              "bench-http-" + t);
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return new Result(ok.get(), failed.get(), System.nanoTime() - started);
  }

  /** Reads one response with a Content-Length body; returns its status. */
  private static int readResponse(InputStream in) throws IOException {
    String statusLine = readLine(in);
    int status = Integer.parseInt(statusLine.substring(9, 12));
    int length = 0;
    boolean chunked = false;
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      String lower = line.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      for (int size = Integer.parseInt(readLine(in).strip(), 16);
          size > 0;
          size = Integer.parseInt(readLine(in).strip(), 16)) {
        in.skipNBytes(size);
        readLine(in);
      }
      readLine(in);
    } else {
      in.skipNBytes(length);
    }
    return status;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  static byte[] post(String path, String apiKey, String idempotencyKey, byte[] body) {
    String head =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "X-SIGNET-API-Key: "
            + apiKey
            + "\r\nX-SIGNET-Idempotency-Key: "
            + idempotencyKey
            + "\r\n"
            + "Content-Length: "
            + body.length
            + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }
}
