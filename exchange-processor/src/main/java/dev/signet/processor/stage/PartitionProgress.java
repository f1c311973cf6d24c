package dev.signet.processor.stage;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a stage worker knows of one request partition it owns: the requests read and not yet covered
 * by a commit, which of them are settled (outcome written, or refused, or already answered), the
 * answers found on assignment, and where in the outcome partition a new owner must start reading to
 * find every answer to an uncommitted request. Loop thread only.
 */
final class PartitionProgress {

  /** An outcome found on assignment: the request offset it answers and where it lies. */
  record Answer(long requestOffset, long outcomeOffset) {}

  private static final long PENDING = -2;
  private static final long NO_OUTCOME = -1;

  // Request offset -> PENDING, NO_OUTCOME or the offset of its outcome; from the commit on.
  private final TreeMap<Long, Long> uncommitted = new TreeMap<>();
  private final Map<String, Answer> answers;
  private long position;
  private long committedPosition;
  private long outcomeEnd;
  private int callsInFlight;

  /**
   * @param committed the group's committed offset, or -1 if none
   * @param answers request id -> answer, found in the outcome partition on assignment
   * @param outcomeEnd the outcome partition's (committed) end when it was read
   */
  PartitionProgress(long committed, Map<String, Answer> answers, long outcomeEnd) {
    this.position = committed;
    this.committedPosition = committed;
    this.answers = new HashMap<>(answers);
    this.outcomeEnd = outcomeEnd;
  }

  /** A request read, not settled yet. */
  void read(long offset) {
    uncommitted.put(offset, PENDING);
    if (position < 0) {
      position = offset;
    }
  }

  /** The answer already recorded for {@code requestId} at or after the commit, if any. */
  Answer answered(String requestId) {
    return answers.get(requestId);
  }

  /** The request at {@code offset} needs no outcome (refused, or answered before). */
  void settle(long offset) {
    settle(offset, NO_OUTCOME);
  }

  /** The request at {@code offset} is answered by the outcome at {@code outcomeOffset}. */
  void settle(long offset, long outcomeOffset) {
    if (uncommitted.replace(offset, outcomeOffset) == null) {
      throw new IllegalStateException("request " + offset + " was not read");
    }
    outcomeEnd = Math.max(outcomeEnd, outcomeOffset + 1);
  }

  /**
   * Moves the position over the settled prefix; returns whether it differs from the committed one.
   */
  boolean advance() {
    long lastSettled = -1;
    while (!uncommitted.isEmpty() && uncommitted.firstEntry().getValue() != PENDING) {
      lastSettled = uncommitted.pollFirstEntry().getKey();
    }
    if (!uncommitted.isEmpty()) {
      position = uncommitted.firstKey();
    } else if (lastSettled >= 0) {
      position = lastSettled + 1;
    }
    return position != committedPosition;
  }

  /** The offset to commit: every request before it is settled. -1 while nothing was read. */
  long position() {
    return position;
  }

  /** The position was committed: answers to requests before it no longer matter. */
  void committed() {
    committedPosition = position;
    Iterator<Answer> it = answers.values().iterator();
    while (it.hasNext()) {
      if (it.next().requestOffset() < position) {
        it.remove();
      }
    }
  }

  /**
   * Where a new owner starts reading outcomes: the earliest outcome of a request at or after the
   * position, else the end of what was written. Every outcome of an uncommitted request is at or
   * after it.
   */
  long recoveryMark() {
    long mark = outcomeEnd;
    for (long outcome : uncommitted.values()) {
      if (outcome >= 0) {
        mark = Math.min(mark, outcome);
      }
    }
    for (Answer answer : answers.values()) {
      if (answer.requestOffset() >= position) {
        mark = Math.min(mark, answer.outcomeOffset());
      }
    }
    return mark;
  }

  void callStarted() {
    callsInFlight++;
  }

  void callEnded() {
    callsInFlight--;
  }

  int callsInFlight() {
    return callsInFlight;
  }
}
