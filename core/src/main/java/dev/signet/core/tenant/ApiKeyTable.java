package dev.signet.core.tenant;

import java.util.Objects;

/**
 * The API keys in force now. Every lookup asks for {@link #current()} again, so a reloaded table
 * (see {@link ApiKeysFileReloader}) applies from the next request on.
 */
@FunctionalInterface
public interface ApiKeyTable extends AutoCloseable {

  ApiKeys current();

  /** Stops re-reading, if this table does; the table stays usable. */
  @Override
  default void close() {}

  /** A table that never changes: {@code SP_API_KEYS} given as text, and tests. */
  static ApiKeyTable fixed(ApiKeys keys) {
    Objects.requireNonNull(keys, "keys");
    return () -> keys;
  }
}
