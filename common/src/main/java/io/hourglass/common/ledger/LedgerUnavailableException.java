package io.hourglass.common.ledger;

/**
 * The ledger could not be reached (connection refused, server stopped, authentication refused, folder
 * not writable). The message is one line and never contains the password.
 */
public final class LedgerUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param redactedUrl the JDBC URL without its password ({@link LedgerSettings#redactedUrl()})
   * @param reason one line, already free of the password
   * @param cause attached only when its messages are free of the password too (may be null)
   */
  public LedgerUnavailableException(String redactedUrl, String reason, Throwable cause) {
    super("cannot reach the ledger at " + redactedUrl + ": " + reason, cause);
  }
}
