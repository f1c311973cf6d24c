package dev.signet.processor.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HostGateTest {

  private static final Duration NO_WAIT = Duration.ZERO;

  private final MutableClock clock = new MutableClock();
  private final HostGate gate = new HostGate(2, 3, 5, Duration.ofSeconds(30), clock);

  @Test
  void shouldHoldAtMostThePerHostSlotsForOneHost() {
    assertThat(gate.enter("a", "h1", NO_WAIT)).isNull();
    assertThat(gate.enter("b", "h1", NO_WAIT)).isNull();
    assertThat(gate.enter("c", "h1", NO_WAIT)).isEqualTo(HostGate.Closed.BUSY);
    assertThat(gate.enter("c", "h2", NO_WAIT)).as("another host is not held back").isNull();

    gate.release("a", "h1", true);
    assertThat(gate.enter("c", "h1", NO_WAIT)).isNull();
  }

  @Test
  void shouldHoldAtMostThePerTenantSlotsForOneTenantAndGiveBackItsSlotWhenTheHostIsBusy() {
    assertThat(gate.enter("t", "h1", NO_WAIT)).isNull();
    assertThat(gate.enter("t", "h2", NO_WAIT)).isNull();
    assertThat(gate.enter("t", "h3", NO_WAIT)).isNull();
    assertThat(gate.enter("t", "h4", NO_WAIT)).isEqualTo(HostGate.Closed.BUSY);
    assertThat(gate.enter("u", "h4", NO_WAIT)).as("another tenant is not held back").isNull();

    assertThat(gate.enter("u", "h4", NO_WAIT)).isNull();
    // h4 is full: u's tenant slot taken for the attempt must be given back.
    assertThat(gate.enter("u", "h4", NO_WAIT)).isEqualTo(HostGate.Closed.BUSY);
    assertThat(gate.enter("u", "h5", NO_WAIT)).isNull();
  }

  @Test
  void shouldOpenTheCircuitAfterFiveFailuresInARowAndProbeAfterItsTime() {
    for (int i = 0; i < 4; i++) {
      assertThat(gate.enter("t", "h", NO_WAIT)).isNull();
      gate.release("t", "h", false);
    }
    assertThat(gate.enter("t", "h", NO_WAIT)).as("four failures keep it closed").isNull();
    gate.release("t", "h", false);

    assertThat(gate.enter("t", "h", NO_WAIT)).isEqualTo(HostGate.Closed.CIRCUIT_OPEN);
    clock.advance(Duration.ofSeconds(31));
    assertThat(gate.enter("t", "h", NO_WAIT)).as("a probe after the open time").isNull();
    gate.release("t", "h", true);
    assertThat(gate.enter("t", "h", NO_WAIT)).as("one success closes it").isNull();
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-06T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
