package dev.signet.billing;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The hops of one trace billing has billed: every hop below {@code next}, plus the few above it
 * that arrived before a lower one ({@code ahead}, sorted). A trace's receipts normally arrive in
 * hop order, so {@code ahead} is almost always empty and the value is four bytes.
 */
record BilledHops(int next, int[] ahead) {

  /** No hop billed yet: hops start at 1. */
  static final BilledHops NONE = new BilledHops(1, new int[0]);

  static final Serde<BilledHops> SERDE =
      Serdes.serdeFrom(
          (Serializer<BilledHops>) (topic, hops) -> hops == null ? null : hops.toBytes(),
          (Deserializer<BilledHops>) (topic, bytes) -> bytes == null ? null : fromBytes(bytes));

  boolean contains(int hop) {
    return hop < next || Arrays.binarySearch(ahead, hop) >= 0;
  }

  /** With {@code hop} billed too; the caller has checked it is not. */
  BilledHops plus(int hop) {
    if (hop != next) {
      int[] more = Arrays.copyOf(ahead, ahead.length + 1);
      more[ahead.length] = hop;
      Arrays.sort(more);
      return new BilledHops(next, more);
    }
    int advanced = next + 1;
    int i = 0;
    while (i < ahead.length && ahead[i] == advanced) {
      advanced++;
      i++;
    }
    return new BilledHops(advanced, Arrays.copyOfRange(ahead, i, ahead.length));
  }

  private byte[] toBytes() {
    ByteBuffer buffer = ByteBuffer.allocate(Integer.BYTES * (1 + ahead.length)).putInt(next);
    for (int hop : ahead) {
      buffer.putInt(hop);
    }
    return buffer.array();
  }

  private static BilledHops fromBytes(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int next = buffer.getInt();
    int[] ahead = new int[buffer.remaining() / Integer.BYTES];
    for (int i = 0; i < ahead.length; i++) {
      ahead[i] = buffer.getInt();
    }
    return new BilledHops(next, ahead);
  }

  // A record's equals compares arrays by identity; these values are compared by content in tests.
  @Override
  public boolean equals(Object other) {
    return other instanceof BilledHops hops
        && hops.next == next
        && Arrays.equals(hops.ahead, ahead);
  }

  @Override
  public int hashCode() {
    return 31 * next + Arrays.hashCode(ahead);
  }

  @Override
  public String toString() {
    return "BilledHops[next=" + next + ", ahead=" + Arrays.toString(ahead) + "]";
  }
}
