package dev.signet.store.query;

/**
 * The receipt store could not be read (database down, timeout, schema not created yet, …); the
 * cause says why. A dependency failure, not a bug: callers answer it as unavailable.
 */
public final class ReceiptStoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ReceiptStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
