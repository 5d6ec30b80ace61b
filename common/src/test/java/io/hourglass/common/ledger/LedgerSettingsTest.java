package io.hourglass.common.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.BadConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LedgerSettingsTest {
  private static final Duration LEASE = Duration.ofMinutes(10);

  @Test
  void thePasswordNeverShows() {
    LedgerSettings s = new LedgerSettings("jdbc:postgresql://db.internal:5432/hourglass", "hourglass", "hunter2-xyz",
        LEASE);
    assertFalse(s.toString().contains("hunter2-xyz"), s.toString());
    assertTrue(s.toString().contains("password=***"), s.toString());
    assertEquals("jdbc:postgresql://db.internal:5432/hourglass", s.redactedUrl());
    assertEquals("auth failed for *** at x", s.redact("auth failed for hunter2-xyz at x"));
  }

  @Test
  void aVeryShortPasswordIsNotMaskedInsideWords() {
    LedgerSettings s = new LedgerSettings("jdbc:postgresql://h/postgres", "u", "p", LEASE);
    assertEquals("jdbc:postgresql://h/postgres", s.redactedUrl());
    assertTrue(s.toString().contains("password=***"), s.toString());
  }

  @Test
  void passwordsInsideUrlsAreMasked() {
    assertEquals("jdbc:postgresql://h/db?user=u&password=***&ssl=true",
        new LedgerSettings("jdbc:postgresql://h/db?user=u&password=p1&ssl=true", null, null, LEASE).redactedUrl());
    assertEquals("jdbc:h2:tcp://h/db;USER=sa;PASSWORD=***",
        new LedgerSettings("jdbc:h2:tcp://h/db;USER=sa;PASSWORD=p1", null, null, LEASE).redactedUrl());
  }

  @Test
  void aUrlWithUserInfoIsRefusedBeforeAnyDriverSeesIt() {
    // PostgreSQL's driver takes no user info: it read "hg:hunter2@127.0.0.1" as the host and logged the password
    // on stderr ("invalid port number: hunter2@127.0.0.1") before refusing the URL.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LedgerSettings("jdbc:postgresql://hg:hunter2@127.0.0.1:1/hg", null, null, LEASE));
    assertEquals("The ledger URL must not hold user:password@ (set hourglass.ledger.user, and the password in the"
        + " environment variable named by hourglass.ledger.password-env), cannot be: 'jdbc:postgresql://hg:***@127.0.0.1:1/hg'",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LedgerSettings("jdbc:postgresql://hg@h/db", null, null, LEASE));
    // Where a driver quotes a URL's password in its own words, it is masked there too.
    LedgerSettings param = new LedgerSettings("jdbc:postgresql://h/db?password=s3cret-pw", null, null, LEASE);
    assertEquals("bad password *** for h", param.redact("bad password s3cret-pw for h"));
  }

  @Test
  void embeddedIsAnAutoServerH2FileInTheStateFolder() {
    LedgerSettings s = LedgerSettings.embedded(Path.of("state"), LEASE);
    assertEquals("jdbc:h2:file:" + Path.of("state").toAbsolutePath() + "/ledger;AUTO_SERVER=TRUE;WRITE_DELAY=0", s.url());
    assertEquals(Path.of("state").toAbsolutePath(), s.embeddedFolder());
    assertEquals(LEASE, s.lease());
  }

  @Test
  void badSettingsAreRefusedWithTheValue() {
    IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
        () -> new LedgerSettings("postgres://h/db", "u", "pw-123456", LEASE));
    assertTrue(url.getMessage().contains("'postgres://h/db'"), url.getMessage());
    IllegalArgumentException lease = assertThrows(IllegalArgumentException.class,
        () -> new LedgerSettings("jdbc:h2:mem:x", "u", "p", Duration.ZERO));
    assertTrue(lease.getMessage().contains("be: 0m"), lease.getMessage());
    // A URL no driver takes is a setting to fix: BadConfigException, which the CLI prints as one line, exit 2.
    BadConfigException driver = assertThrows(BadConfigException.class, () -> JdbcRunLedger.open(
        new LedgerSettings("jdbc:nosuchdb://h/db", "u", "p", LEASE)));
    assertTrue(driver.getMessage().startsWith("no JDBC driver on the classpath accepts the ledger URL jdbc:nosuchdb://h/db"),
        driver.getMessage());
  }

  @Test
  void keysAreOnTheHourAndNamed() {
    Instant h = Instant.parse("2026-11-20T10:00:00Z");
    assertEquals("job ingest, dataset web_events, hour 2026-11-20T10", new RunKey("ingest", "web_events", h).describe());
    IllegalArgumentException off = assertThrows(IllegalArgumentException.class,
        () -> new RunKey("ingest", "web_events", h.plusSeconds(60)));
    assertTrue(off.getMessage().contains("2026-11-20T10:01:00Z"), off.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RunKey(" ", "web_events", h));
    assertThrows(IllegalArgumentException.class, () -> new RunMetrics(-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, 0, 0,
        0));
  }
}
