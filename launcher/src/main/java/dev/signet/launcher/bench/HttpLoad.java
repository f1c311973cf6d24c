package dev.signet.launcher.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * An HTTP/1.1 load generator: C threads, one keep-alive connection each, one request in flight per
 * connection. Closed loop ({@link #run}: each connection sends again as soon as it has a response,
 * the maximum throughput) or open loop ({@link #runAtRate}: a fixed offered rate, latencies from
 * each request's intended start). Deliberately minimal so that it takes little of the CPU it shares
 * with the system under test.
 */
final class HttpLoad {

  private final int port;
  private final IntFunction<byte[]> requestFor;

  HttpLoad(int port, IntFunction<byte[]> requestFor) {
    this.port = port;
    this.requestFor = requestFor;
  }

  /**
   * How long the run took, from the first thread's start to the last one's end, and the CPU its
   * threads spent (each times itself as it ends, since Linux forgets an ended thread's time; -1
   * where the JVM cannot measure thread CPU).
   */
  record Result(long elapsedNanos, long threadCpuNanos) {
    double seconds() {
      return elapsedNanos / 1e9;
    }
  }

  /** Closed loop: {@code concurrency} connections, each sending as fast as it gets answers. */
  Result run(int concurrency, long durationNanos, LoadTally tally) throws InterruptedException {
    AtomicLong sequence = new AtomicLong();
    long started = System.nanoTime();
    long deadline = started + durationNanos;
    return runThreads(
        concurrency,
        started,
        t -> {
          try (Connection connection = new Connection()) {
            while (System.nanoTime() < deadline) {
              byte[] request = requestFor.apply((int) sequence.incrementAndGet());
              long sent = System.nanoTime();
              try {
                int status = connection.exchange(request);
                tally.response(status, sent, sent, System.nanoTime());
              } catch (IOException e) {
                tally.ioFailure();
              }
            }
          }
        });
  }

  /**
   * Open loop: {@code concurrency} connections share {@code ratePerSecond}, each on its own {@link
   * RateSchedule}; latencies are corrected for coordinated omission (see {@link PacedSender}).
   */
  Result runAtRate(int concurrency, long ratePerSecond, long durationNanos, LoadTally tally)
      throws InterruptedException {
    AtomicLong sequence = new AtomicLong();
    // A little slack so that every thread is parked before its first intended start.
    long started = System.nanoTime() + 50_000_000L;
    long deadline = started + durationNanos;
    return runThreads(
        concurrency,
        started,
        t -> {
          PacedSender sender =
              new PacedSender(
                  new RateSchedule(started, t, concurrency, ratePerSecond),
                  PacedSender.Clock.SYSTEM,
                  tally);
          try (Connection connection = new Connection()) {
            sender.run(
                deadline,
                () -> (int) sequence.incrementAndGet(),
                n -> connection.exchange(requestFor.apply(n)));
          }
        });
  }

  /** The body of one load thread, given its index. */
  private interface LoadThread {
    void run(int index) throws InterruptedException;
  }

  private static Result runThreads(int concurrency, long started, LoadThread body)
      throws InterruptedException {
    Thread[] threads = new Thread[concurrency];
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    LongAdder cpuNanos = new LongAdder();
    for (int t = 0; t < concurrency; t++) {
      int index = t;
      threads[t] =
          new Thread(
              () -> {
                try {
                  body.run(index);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  cpuNanos.add(cpu.getCurrentThreadCpuTime());
                }
              },
              "bench-http-" + t);
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    boolean measured = cpu.isCurrentThreadCpuTimeSupported() && cpu.isThreadCpuTimeEnabled();
    return new Result(System.nanoTime() - started, measured ? cpuNanos.sum() : -1);
  }

  /**
   * One keep-alive connection, opened on first use and again after a failure: a server that closes
   * the connection costs the request in flight (counted as a failure), not the rest of the run.
   */
  private final class Connection implements AutoCloseable {

    private Socket socket;
    private OutputStream out;
    private InputStream in;

    int exchange(byte[] request) throws IOException {
      try {
        if (socket == null) {
          open();
        }
        out.write(request);
        out.flush();
        return readResponse(in);
      } catch (IOException | RuntimeException e) {
        close();
        throw e instanceof IOException io ? io : new IOException("unreadable response", e);
      }
    }

    private void open() throws IOException {
      Socket opened = new Socket();
      try {
        opened.setTcpNoDelay(true);
        opened.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        opened.setSoTimeout(30_000);
        out = opened.getOutputStream();
        in = new BufferedInputStream(opened.getInputStream(), 16 * 1024);
      } catch (IOException e) {
        opened.close();
        throw e;
      }
      socket = opened;
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException e) {
          // nothing left to do with a connection that is being dropped
        }
        socket = null;
      }
    }
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
