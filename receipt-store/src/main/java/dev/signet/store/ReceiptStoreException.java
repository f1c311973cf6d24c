package dev.signet.store;

/** The receipt store could not be read (database down, timeout, …); the cause says why. */
public final class ReceiptStoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  ReceiptStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
