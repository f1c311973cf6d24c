package dev.signet.cli;

/** An input or I/O problem the user can fix; its message is printed as is, with exit code 2. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
