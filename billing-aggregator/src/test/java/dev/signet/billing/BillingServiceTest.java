package dev.signet.billing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Billing's start-up publication of {@code SP_RESERVED_CONFIG}, where it never reaches Kafka. */
class BillingServiceTest {

  // Nothing listens there: a test that reached Kafka would fail, not pass.
  private static final BillingConfig NO_KAFKA =
      BillingConfig.defaults("127.0.0.1:1", TestReceipts.SECRET);

  @TempDir Path dir;

  @Test
  void shouldRefuseToStartOnAnInvalidFileNamingEveryReason() throws IOException {
    Path file = dir.resolve("reserved.json");
    Files.writeString(file, "{\"acme\": {\"vex_reserved\": -1}, \"beta\": {\"fu_reserved\": 1}}");

    assertThatIllegalStateException()
        .isThrownBy(() -> BillingService.publishReservedCapacity(NO_KAFKA, file))
        .withMessageContaining("SP_RESERVED_CONFIG")
        .withMessageContaining("\"acme\": vex_reserved must not be negative")
        .withMessageContaining("\"acme\": fu_reserved is missing")
        .withMessageContaining("\"beta\": vex_reserved is missing");
  }

  @Test
  void shouldRefuseToStartOnAMissingFile() {
    assertThatIllegalStateException()
        .isThrownBy(
            () -> BillingService.publishReservedCapacity(NO_KAFKA, dir.resolve("absent.json")))
        .withMessageContaining("cannot read");
  }

  @Test
  void shouldStartWithoutReservedCapacityWhenNoFileIsConfigured() {
    assertThatCode(() -> BillingService.publishReservedCapacity(NO_KAFKA, null))
        .doesNotThrowAnyException();
  }
}
