package dev.signet.launcher;

import dev.signet.core.crypto.Base64Url;
import dev.signet.core.crypto.KeyParser;
import dev.signet.core.crypto.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Local mode's signing key: generated once and kept under the data directory (owner-only), so
 * receipts issued before a restart still verify after it.
 */
final class DevKey {

  static final String KID = "signet-dev-1";

  private DevKey() {}

  static SigningKey loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return KeyParser.parse(KID, Files.readString(file, StandardCharsets.UTF_8));
      }
      SigningKey key = SigningKey.generate(KID);
      Files.createDirectories(file.getParent());
      Path temp = Files.createTempFile(file.getParent(), "dev-key", ".tmp");
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      Files.writeString(temp, Base64Url.encode(key.seed()) + "\n", StandardCharsets.UTF_8);
      Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the dev signing key at " + file, e);
    }
  }
}
