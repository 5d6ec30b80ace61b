package io.hourglass.common.ledger;

import io.hourglass.common.config.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the ledger lives and how long a run's lock lasts without a heartbeat. The password is read by
 * the caller from an environment variable (never from a file) and is never printed: {@link #toString()}
 * and every message of the ledger leave it out.
 *
 * @param url JDBC URL: {@code jdbc:h2:file:...} (the embedded default) or {@code jdbc:postgresql://...}
 * @param user may be null when the URL or the driver supplies it
 * @param password may be null or empty
 * @param lease how long a claim holds its hour without a heartbeat; after that the run's driver is
 *     presumed dead and another run may take the hour over
 */
public record LedgerSettings(String url, String user, String password, Duration lease) {
  /** Ten minutes: a driver heartbeats every few minutes; a dead one blocks its hour at most this long. */
  public static final Duration DEFAULT_LEASE = Duration.ofMinutes(10);
  /** The embedded database's file name (H2 adds {@code .mv.db}) inside the state folder. */
  public static final String EMBEDDED_NAME = "ledger";

  private static final int MIN_MASKED_PASSWORD = 4;
  private static final java.util.regex.Pattern USER_INFO = java.util.regex.Pattern.compile("^jdbc:[^/]*//[^/@?;]*@");

  public LedgerSettings {
    if (url == null || !url.startsWith("jdbc:")) {
      throw new IllegalArgumentException("The ledger URL must be a JDBC URL (jdbc:postgresql://... or "
          + "jdbc:h2:file:...), cannot be: " + (url == null ? null : "'" + redact(url, password) + "'"));
    }
    if (USER_INFO.matcher(url).find()) {
      // JDBC drivers do not take user:password@ (PostgreSQL's logs "invalid port number: <password>@host" on stderr
      // before it refuses the URL): refused here, before any driver sees it.
      throw new IllegalArgumentException("The ledger URL must not hold user:password@ (set hourglass.ledger.user, and"
          + " the password in the environment variable named by hourglass.ledger.password-env), cannot be: '"
          + redact(url, password) + "'");
    }
    Objects.requireNonNull(lease, "lease");
    if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("The ledger lease must be at least one second, cannot be: " + io.hourglass.common.config.DurationText.of(lease));
    }
  }

  /**
   * The local default: an H2 file database {@code <stateDir>/ledger.mv.db}, created (with the folder) on
   * first use. {@code AUTO_SERVER} lets two processes on this machine share it: the first one to open it
   * serves the others over a loopback socket.
   */
  public static LedgerSettings embedded(Path stateDir, Duration lease) {
    Path dir = stateDir.toAbsolutePath().normalize();
    if (dir.toString().contains(";")) {
      throw new IllegalArgumentException("The ledger state folder must not contain ';', cannot be: " + dir);
    }
    // '/' works as the separator on every OS for H2; the folder keeps its own separators.
    // WRITE_DELAY=0: a commit is on disk when it returns. H2's default (500 ms) lost the last
    // 'succeeded' of a driver killed right after it (found by the kill-and-resume test).
    return new LedgerSettings("jdbc:h2:file:" + dir + "/" + EMBEDDED_NAME + ";AUTO_SERVER=TRUE;WRITE_DELAY=0", "sa", "", lease);
  }

  /** The URL with any password in it (a {@code password=} parameter or {@code user:password@}) masked. */
  public String redactedUrl() {
    return redact(url, password);
  }

  /** {@code text} with this password (four characters or more), and password parameters of URLs in it, masked. */
  public String redact(String text) {
    String out = redact(text, password);
    for (String inUrl : Secrets.passwordsIn(url)) {
      out = out == null || inUrl.length() < MIN_MASKED_PASSWORD ? out : out.replace(inUrl, "***");
    }
    return out;
  }

  @Override
  public String toString() {
    return "LedgerSettings[url=" + redactedUrl() + ", user=" + user + ", password="
        + (password == null || password.isEmpty() ? "(none)" : "***") + ", lease=" + lease + "]";
  }

  private static String redact(String text, String password) {
    if (text == null) {
      return null;
    }
    String out = Secrets.redactUrl(text);
    // A password of one to three characters would turn every message into asterisks and is no secret.
    if (password != null && password.length() >= MIN_MASKED_PASSWORD) {
      out = out.replace(password, "***");
    }
    return out;
  }

  /** The folder that holds an H2 file database, or null when the URL is not one. */
  Path embeddedFolder() {
    String prefix = "jdbc:h2:file:";
    if (!url.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return null;
    }
    String rest = url.substring(prefix.length());
    int semicolon = rest.indexOf(';');
    Path file = Path.of(semicolon < 0 ? rest : rest.substring(0, semicolon));
    return file.toAbsolutePath().getParent();
  }
}
