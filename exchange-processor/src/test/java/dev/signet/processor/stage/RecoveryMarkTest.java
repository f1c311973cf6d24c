package dev.signet.processor.stage;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

class RecoveryMarkTest {

  @Test
  void shouldReadBackTheMarkItCommits() {
    OffsetAndMetadata commit = RecoveryMark.commit(3, 42);

    assertThat(commit.offset()).isEqualTo(3);
    assertThat(RecoveryMark.of(commit)).hasValue(42);
  }

  @Test
  void shouldHaveNoMarkWithoutACommitOrWithOtherMetadata() {
    assertThat(RecoveryMark.of(null)).isEmpty();
    assertThat(RecoveryMark.of(new OffsetAndMetadata(3, ""))).isEmpty();
    assertThat(RecoveryMark.of(new OffsetAndMetadata(3, "outcomes-from=x"))).isEmpty();
  }
}
