package io.hourglass.common;

/** A run that could not finish correctly. The message is one line naming the file, hour or count at fault; exit 1. */
public final class RunFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunFailedException(String message) {
    super(message);
  }

  public RunFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
