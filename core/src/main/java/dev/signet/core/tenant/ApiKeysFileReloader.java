package dev.signet.core.tenant;

import dev.signet.core.crypto.Hashes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys of {@code SP_API_KEYS_FILE}, re-read every {@code interval} and swapped in whole
 * when the file's bytes change: a request sees the old table or the new one, never a mix.
 *
 * <p>A file that cannot be read or parsed (a half-written edit, a typo) keeps the table in force:
 * the failure is logged once per distinct content and counted in {@code
 * signet_api_keys_reload_total{service,result="failed"}}; the next good version is picked up as
 * usual. At start there is no table to keep, so a bad file stops the service from starting.
 *
 * <p>Metrics carry the service that reads the file as their {@code service} tag: {@code
 * signet_api_keys{service}} and {@code signet_api_keys_reload_total{service,result}}.
 */
public final class ApiKeysFileReloader implements ApiKeyTable {

  /** What one look at the file did. */
  public enum Outcome {
    UNCHANGED,
    RELOADED,
    FAILED
  }

  private static final Logger log = LoggerFactory.getLogger(ApiKeysFileReloader.class);

  private final Path file;
  private final Duration interval;
  private final AtomicReference<ApiKeys> current;
  private final Counter reloaded;
  private final Counter failed;
  private String inForce;
  private String lastRefused;
  private ScheduledExecutorService poller;

  /**
   * Reads {@code file} now; throws when it cannot be read or parsed.
   *
   * @param service the metrics' {@code service} tag, e.g. {@code ingress}
   */
  public ApiKeysFileReloader(Path file, Duration interval, MeterRegistry meters, String service) {
    this.file = Objects.requireNonNull(file, "file");
    this.interval = Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the reload interval must be positive, got " + interval);
    }
    byte[] content = readBytes();
    this.current = new AtomicReference<>(ApiKeys.read(file));
    this.inForce = Hashes.sha256(content);
    this.reloaded = counter(meters, service, "reloaded");
    this.failed = counter(meters, service, "failed");
    Gauge.builder("signet_api_keys", current, keys -> keys.get().size())
        .description("API keys in force, by service")
        .tag("service", service)
        .register(meters);
    log.info("{} API keys from {}, re-read every {}", current.get().size(), file, interval);
  }

  @Override
  public ApiKeys current() {
    return current.get();
  }

  /** Re-reads the file and swaps the table in if its content changed and parses. */
  public synchronized Outcome reload() {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      return refused("unreadable", "cannot be read: " + e);
    }
    String digest = Hashes.sha256(content);
    if (digest.equals(inForce)) {
      lastRefused = null;
      return Outcome.UNCHANGED;
    }
    String text = new String(content, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      // Most likely an editor truncating before writing: "{}" is how to say "no keys".
      return refused(digest, "is empty (write {} to configure no keys)");
    }
    ApiKeys keys;
    try {
      keys = ApiKeys.parse(text);
    } catch (IllegalArgumentException e) {
      return refused(digest, "was changed but is refused: " + e.getMessage());
    }
    current.set(keys);
    inForce = digest;
    lastRefused = null;
    reloaded.increment();
    log.info("Reloaded {}: {} API keys in force", file, keys.size());
    return Outcome.RELOADED;
  }

  /** Looks at the file every interval, on a daemon thread of its own; returns this. */
  public synchronized ApiKeysFileReloader start() {
    if (poller == null) {
      poller =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "signet-api-keys-reload");
                thread.setDaemon(true);
                return thread;
              });
      long millis = interval.toMillis();
      poller.scheduleWithFixedDelay(this::reloadQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; keep polling whatever happened.
      log.error("Reloading {} failed", file, e);
    }
  }

  // Each refused state (a content, or the file unreadable) is counted and logged once.
  private Outcome refused(String state, String message) {
    if (!state.equals(lastRefused)) {
      lastRefused = state;
      failed.increment();
      log.error("{} {}; the {} API keys in force stay", file, message, current.get().size());
    }
    return Outcome.FAILED;
  }

  private byte[] readBytes() {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(ApiKeys.ENV_FILE + " " + file + " cannot be read", e);
    }
  }

  private static Counter counter(MeterRegistry meters, String service, String result) {
    return Counter.builder("signet_api_keys_reload")
        .description("Re-reads of SP_API_KEYS_FILE that found a change, by service and result")
        .tag("service", service)
        .tag("result", result)
        .register(meters);
  }
}
