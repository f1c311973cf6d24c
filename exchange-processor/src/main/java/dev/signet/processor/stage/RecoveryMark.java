package dev.signet.processor.stage;

import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * A stage worker's recovery mark, kept in the metadata of its committed offsets as {@code
 * outcomes-from=<offset>}: where in the outcome partition the next owner starts looking for
 * requests already answered (see {@link StageWorker}).
 */
final class RecoveryMark {

  static final String PREFIX = "outcomes-from=";

  private RecoveryMark() {}

  /** The commit of request offset {@code position} with outcome offset {@code mark}. */
  static OffsetAndMetadata commit(long position, long mark) {
    return new OffsetAndMetadata(position, PREFIX + mark);
  }

  /** The mark in a commit's metadata; empty without a commit or with someone else's metadata. */
  static OptionalLong of(OffsetAndMetadata commit) {
    if (commit == null || commit.metadata() == null || !commit.metadata().startsWith(PREFIX)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(commit.metadata().substring(PREFIX.length())));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
