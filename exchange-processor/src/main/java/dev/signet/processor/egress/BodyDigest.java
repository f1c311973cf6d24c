package dev.signet.processor.egress;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts and hashes a response body as it is read, never holding it: the receipt records only its
 * size and {@code sha256:} cid. Not thread-safe; one per forward.
 */
final class BodyDigest {

  private static final int BUFFER = 8192;

  private final MessageDigest sha256;
  private long size;

  BodyDigest() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }

  /**
   * Reads {@code in} to its end or until {@code limit} bytes were taken, whichever is first.
   *
   * @return true when the body goes on past the limit (one more byte was seen, and not counted)
   */
  boolean readAtMost(InputStream in, long limit) throws IOException {
    byte[] buffer = new byte[BUFFER];
    while (size < limit) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - size));
      if (n < 0) {
        return false;
      }
      sha256.update(buffer, 0, n);
      size += n;
    }
    // Exactly at the limit: a body of precisely that size is complete, one byte more is not.
    return in.read() >= 0;
  }

  long size() {
    return size;
  }

  /** {@code sha256:} and the hex digest of the bytes counted so far. */
  String cid() {
    try {
      MessageDigest copy = (MessageDigest) sha256.clone();
      return "sha256:" + HexFormat.of().formatHex(copy.digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digests are cloneable", e);
    }
  }
}
