package io.hourglass.common.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real PostgreSQL stopped and started again under a ledger in use, as in a failover at the end of a run. */
class LedgerOutageTest {
  private static final RunKey KEY = new RunKey("ingest", "web_events", Instant.parse("2026-11-20T10:00:00Z"));
  private static final RunMetrics METRICS = new RunMetrics(2, 300, 200, 10, 9, 1, 0, 0, 1, 2, "local[2]", "test", 1, 1000, 100);

  @TempDir
  Path dir;

  @Test
  void anOutcomeWaitsOutAShortOutageInsteadOfFailingTheRun() throws Exception {
    EmbeddedPostgres.Builder server = PostgresRunLedgerTest.builder()
        .setPort(H2RunLedgerTest.freePort()).setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(false);
    EmbeddedPostgres first = PostgresRunLedgerTest.withLedgerRole(server.start());
    AtomicReference<EmbeddedPostgres> again = new AtomicReference<>();
    try {
      LedgerSettings settings = PostgresRunLedgerTest.newDatabase(first);
      try (JdbcRunLedger ledger = JdbcRunLedger.open(settings)) {
        RunClaim claim = ledger.claim(KEY, "run-1", Instant.now());
        first.close(); // the server goes away as the run ends, and comes back 3 s later
        Thread restart = new Thread(() -> {
          try {
            Thread.sleep(3000);
            again.set(server.start());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        restart.start();
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        UnreachableRetry.write("the outcome of run run-1", () -> ledger.succeeded(claim, METRICS, Instant.now()),
            Duration.ofSeconds(60), told::add);
        restart.join();

        assertEquals(RunRow.SUCCEEDED, ledger.latest("ingest", "web_events", KEY.hourStart()).orElseThrow().status());
        assertFalse(told.isEmpty(), "the outage was seen");
        assertTrue(told.get(0).startsWith("cannot record the outcome of run run-1 yet (cannot reach the ledger at"
            + " jdbc:postgresql://127.0.0.1:"), told.get(0));
        assertTrue(told.stream().noneMatch(l -> l.contains(RunLedgerContract.PASSWORD)), told.toString());
        assertTrue(ledger.leases("ingest", "web_events", KEY.hourStart(), KEY.hourStart().plusSeconds(3600)).isEmpty(),
            "the hour's lock is released");

        // Down for longer than the patience: the last failure is what the caller gets.
        again.get().close();
        assertThrows(LedgerUnavailableException.class, () -> UnreachableRetry.write("the outcome of run run-2",
            () -> ledger.claim(KEY, "run-2", Instant.now()), Duration.ofSeconds(2), told::add));
      }
    } finally {
      first.close();
      if (again.get() != null) {
        again.get().close();
      }
    }
  }
}
