package dev.signet.processor.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.receipt.Receipt;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChainingTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final ChainHead HEAD =
      new ChainHead("acme", 3, "sha256:aa", "2026-11-25T09:59:00.000Z");

  @Test
  void shouldStartANewTraceAtHopOne() {
    assertThat(Chaining.next("acme", null, null, NOW)).isEqualTo(new Chaining.Next(1, null, NOW));
  }

  @Test
  void shouldRefuseAnExpectedPreviousHashOnANewTrace() {
    assertThat(Chaining.next("acme", null, "sha256:aa", NOW))
        .isInstanceOfSatisfying(
            Chaining.Refused.class,
            refused -> assertThat(refused.code()).isEqualTo(ErrorCode.CHAIN_CONFLICT));
  }

  @Test
  void shouldAppendTheNextHopAfterTheHead() {
    assertThat(Chaining.next("acme", HEAD, "sha256:aa", NOW))
        .isEqualTo(new Chaining.Next(4, "sha256:aa", NOW));
  }

  @Test
  void shouldForbidAnotherTenantAppendingToATrace() {
    assertThat(Chaining.next("other", HEAD, null, NOW))
        .isInstanceOfSatisfying(
            Chaining.Refused.class,
            refused -> assertThat(refused.code()).isEqualTo(ErrorCode.TRACE_FORBIDDEN));
  }

  @Test
  void shouldRefuseAStaleExpectedPreviousHash() {
    assertThat(Chaining.next("acme", HEAD, "sha256:bb", NOW))
        .isInstanceOfSatisfying(
            Chaining.Refused.class,
            refused -> assertThat(refused.code()).isEqualTo(ErrorCode.CHAIN_CONFLICT));
  }

  @Test
  void shouldRefuseAHopBeyondTheLimit() {
    ChainHead full =
        new ChainHead("acme", Receipt.MAX_HOPS, "sha256:aa", "2026-11-25T09:59:00.000Z");

    assertThat(Chaining.next("acme", full, null, NOW))
        .isInstanceOfSatisfying(
            Chaining.Refused.class,
            refused -> assertThat(refused.code()).isEqualTo(ErrorCode.CHAIN_TOO_LONG));
  }

  @Test
  void shouldNeverLetTheTimestampGoBackwards() {
    Instant behind = Instant.parse(HEAD.ts()).minusSeconds(30);

    assertThat(Chaining.next("acme", HEAD, null, behind))
        .isInstanceOfSatisfying(
            Chaining.Next.class, next -> assertThat(next.ts()).isEqualTo(Instant.parse(HEAD.ts())));
  }
}
