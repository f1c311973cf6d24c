package dev.signet.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthReportTest {

  @Test
  void shouldBeLiveButNotReadyBeforeAnyCheckIsRegistered() {
    assertThat(HealthReport.of(Probe.LIVE, Map.of()).statusCode()).isEqualTo(200);
    HealthReport ready = HealthReport.of(Probe.READY, Map.of());
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo(Map.of("status", "DOWN", "checks", Map.of()));
  }

  @Test
  void shouldBeReadyOnlyWhenEveryCheckIsReady() {
    Map<String, HealthCheck> checks = new LinkedHashMap<>();
    checks.put("a", () -> Health.ready("RUNNING"));
    checks.put("b", () -> Health.notReady("REBALANCING"));

    HealthReport ready = HealthReport.of(Probe.READY, checks);
    HealthReport live = HealthReport.of(Probe.LIVE, checks);

    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body())
        .isEqualTo(
            Map.of(
                "status",
                "DOWN",
                "checks",
                Map.of(
                    "a", Map.of("status", "UP", "state", "RUNNING"),
                    "b", Map.of("status", "DOWN", "state", "REBALANCING"))));
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).containsEntry("status", "UP");
  }

  @Test
  void shouldAnswer200ToBothProbesWhenEveryCheckIsReady() {
    Map<String, HealthCheck> checks =
        Map.of("a", () -> Health.ready("RUNNING"), "b", () -> Health.ready("RUNNING"));

    assertThat(HealthReport.of(Probe.READY, checks).statusCode()).isEqualTo(200);
    assertThat(HealthReport.of(Probe.LIVE, checks).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldBeNotLiveWhenOneCheckHasFailed() {
    Map<String, HealthCheck> checks =
        Map.of("a", () -> Health.ready("RUNNING"), "b", () -> Health.failed("ERROR"));

    assertThat(HealthReport.of(Probe.LIVE, checks).statusCode()).isEqualTo(503);
    assertThat(HealthReport.of(Probe.READY, checks).statusCode()).isEqualTo(503);
  }

  @Test
  void shouldReportACheckThatThrowsAsDownWithItsError() {
    HealthReport live =
        HealthReport.of(
            Probe.LIVE,
            Map.of(
                "broken",
                () -> {
                  throw new IllegalStateException("boom");
                }));

    assertThat(live.statusCode()).isEqualTo(503);
    assertThat(live.body().get("checks"))
        .isEqualTo(
            Map.of(
                "broken",
                Map.of(
                    "status",
                    "DOWN",
                    "state",
                    "UNKNOWN",
                    "error",
                    "java.lang.IllegalStateException: boom")));
  }

  @Test
  void shouldFollowTheSinkFromRunningToStopped() {
    AtomicBoolean running = new AtomicBoolean(true);
    Map<String, HealthCheck> checks = Map.of("sink", SinkHealth.of(running::get));

    assertThat(HealthReport.of(Probe.READY, checks).statusCode()).isEqualTo(200);
    assertThat(HealthReport.of(Probe.READY, checks).body().get("checks"))
        .isEqualTo(Map.of("sink", Map.of("status", "UP", "state", "RUNNING")));

    running.set(false);

    assertThat(HealthReport.of(Probe.READY, checks).statusCode()).isEqualTo(503);
    assertThat(HealthReport.of(Probe.LIVE, checks).statusCode()).isEqualTo(503);
    assertThat(HealthReport.of(Probe.LIVE, checks).body().get("checks"))
        .isEqualTo(Map.of("sink", Map.of("status", "DOWN", "state", "STOPPED")));
  }

  @Test
  void shouldShowAPluggedDetailWithoutChangingTheStatus() {
    HealthCheck sink = SinkHealth.of(() -> true).withDetail("lag", () -> 42L);

    HealthReport ready = HealthReport.of(Probe.READY, Map.of("sink", sink));

    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body().get("checks"))
        .isEqualTo(Map.of("sink", Map.of("status", "UP", "state", "RUNNING", "lag", 42L)));
  }

  @Test
  void shouldShowADetailProbeThatThrowsAsUnavailable() {
    HealthCheck sink =
        SinkHealth.of(() -> true)
            .withDetail(
                "lag",
                () -> {
                  throw new IllegalStateException("no assignment yet");
                });

    assertThat(sink.check().details())
        .containsEntry("lag", "unavailable: java.lang.IllegalStateException: no assignment yet");
    assertThat(sink.check().ready()).isTrue();
  }

  @Test
  void shouldRefuseAHealthThatIsReadyButNotLive() {
    assertThatThrownBy(() -> new Health(false, true, "X", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
