package dev.signet.shell;

import dev.signet.core.tenant.ApiKeyTable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * A service's API key table as a part of the service: keeps {@code SP_API_KEYS_FILE} re-read while
 * the service runs and stops re-reading when it closes. Always ready; its health shows how many
 * keys are in force.
 */
public final class ApiKeysService implements Service {

  private final ApiKeyTable table;
  private final CountDownLatch closed = new CountDownLatch(1);

  public ApiKeysService(ApiKeyTable table) {
    this.table = Objects.requireNonNull(table, "table");
  }

  public ApiKeyTable table() {
    return table;
  }

  @Override
  public ApiKeysService start() {
    return this;
  }

  @Override
  public boolean awaitRunning(Duration timeout) {
    return closed.getCount() > 0;
  }

  @Override
  public Termination awaitTermination() throws InterruptedException {
    closed.await();
    return Termination.STOPPED;
  }

  @Override
  public HealthCheck health() {
    return () -> Health.ready("in force").with("api_keys", table.current().size());
  }

  @Override
  public void close() {
    table.close();
    closed.countDown();
  }
}
