package dev.signet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ServiceGroupTest {

  @Test
  void shouldFailTheWholeGroupAndStopTheOtherPartWhenOnePartFails() throws Exception {
    Part streams = new Part();
    Part ledger = new Part();
    ServiceGroup group = group(streams, ledger).start();

    ledger.end(Service.Termination.FAILED);

    assertThat(group.awaitTermination()).isEqualTo(Service.Termination.FAILED);
    assertThat(streams.closed).isTrue();
  }

  @Test
  void shouldStopWithoutFailureWhenClosed() throws Exception {
    Part streams = new Part();
    Part ledger = new Part();
    ServiceGroup group = group(streams, ledger).start();

    group.close();

    assertThat(group.awaitTermination()).isEqualTo(Service.Termination.STOPPED);
    assertThat(streams.closed).isTrue();
    assertThat(ledger.closed).isTrue();
  }

  @Test
  void shouldBeReadyOnlyWhenEveryPartIsAndShowEachPartsDetails() {
    Part streams = new Part();
    Part ledger = new Part();
    ServiceGroup group = group(streams, ledger);
    streams.health.set(Health.ready("RUNNING"));
    ledger.health.set(Health.notReady("STARTING").with("stripe_pushing", "on"));

    Health health = group.health().check();

    assertThat(health.live()).isTrue();
    assertThat(health.ready()).isFalse();
    assertThat(health.state()).isEqualTo("streams=RUNNING, ledger=STARTING");
    assertThat(health.details())
        .containsEntry("streams.state", "RUNNING")
        .containsEntry("ledger.stripe_pushing", "on");
  }

  private static ServiceGroup group(Part streams, Part ledger) {
    Map<String, Service> parts = new LinkedHashMap<>();
    parts.put("streams", streams);
    parts.put("ledger", ledger);
    return new ServiceGroup("billing", parts);
  }

  private static final class Part implements Service {
    final AtomicReference<Health> health = new AtomicReference<>(Health.ready("RUNNING"));
    final CountDownLatch ended = new CountDownLatch(1);
    final AtomicReference<Termination> termination = new AtomicReference<>(Termination.STOPPED);
    volatile boolean closed;
    private final AtomicBoolean started = new AtomicBoolean();

    void end(Termination how) {
      termination.set(how);
      ended.countDown();
    }

    @Override
    public Service start() {
      started.set(true);
      return this;
    }

    @Override
    public boolean awaitRunning(Duration timeout) {
      return started.get();
    }

    @Override
    public Termination awaitTermination() throws InterruptedException {
      ended.await();
      return termination.get();
    }

    @Override
    public HealthCheck health() {
      return health::get;
    }

    @Override
    public void close() {
      closed = true;
      ended.countDown();
    }
  }
}
