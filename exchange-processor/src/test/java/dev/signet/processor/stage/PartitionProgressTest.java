package dev.signet.processor.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

  @Test
  void shouldAdvanceOnlyOverTheSettledPrefix() {
    PartitionProgress progress = new PartitionProgress(0, Map.of(), 0);
    progress.read(0);
    progress.read(1);
    progress.read(2);
    progress.settle(1, 0);
    progress.settle(2, 1);

    assertThat(progress.advance()).isFalse();
    assertThat(progress.position()).isZero();

    progress.settle(0, 2);
    assertThat(progress.advance()).isTrue();
    assertThat(progress.position()).isEqualTo(3);
  }

  @Test
  void shouldSkipOffsetsNeverReadSuchAsTransactionMarkers() {
    PartitionProgress progress = new PartitionProgress(4, Map.of(), 0);
    progress.read(4);
    progress.read(7);
    progress.settle(4);
    progress.settle(7);

    progress.advance();

    assertThat(progress.position()).isEqualTo(8);
  }

  @Test
  void shouldMarkTheEarliestOutcomeOfARequestNotCoveredByTheCommit() {
    PartitionProgress progress = new PartitionProgress(0, Map.of(), 10);
    progress.read(0);
    progress.read(1);
    progress.read(2);
    progress.settle(2, 10);
    progress.settle(1, 11);
    progress.advance();
    progress.committed();

    assertThat(progress.position()).isZero();
    assertThat(progress.recoveryMark()).isEqualTo(10);

    progress.settle(0, 12);
    progress.advance();
    progress.committed();

    assertThat(progress.position()).isEqualTo(3);
    assertThat(progress.recoveryMark()).as("the end of what was written").isEqualTo(13);
  }

  @Test
  void shouldKeepAnswersFoundOnAssignmentInTheMarkUntilTheCommitPassesTheirRequest() {
    PartitionProgress progress =
        new PartitionProgress(
            5,
            Map.of(
                "old", new PartitionProgress.Answer(3, 18),
                "ahead", new PartitionProgress.Answer(7, 20)),
            25);

    assertThat(progress.recoveryMark()).as("answer to a committed request ignored").isEqualTo(20);
    assertThat(progress.answered("ahead")).isEqualTo(new PartitionProgress.Answer(7, 20));

    progress.read(5);
    progress.read(7);
    progress.settle(7, 20);
    progress.advance();
    progress.committed();
    assertThat(progress.recoveryMark()).as("request 5 still in flight").isEqualTo(20);

    progress.settle(5, 25);
    progress.advance();
    progress.committed();
    assertThat(progress.position()).isEqualTo(8);
    assertThat(progress.recoveryMark()).isEqualTo(26);
    assertThat(progress.answered("ahead")).isNull();
  }

  @Test
  void shouldHaveNothingToCommitBeforeAnythingIsRead() {
    PartitionProgress progress = new PartitionProgress(-1, Map.of(), 0);

    assertThat(progress.advance()).isFalse();
    assertThat(progress.position()).isEqualTo(-1);
  }
}
