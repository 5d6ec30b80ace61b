package io.hourglass.common.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfoService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every ledger database must do, run once on the embedded H2 file and once on a real PostgreSQL.
 * Each test gets a fresh, empty database from {@link #freshSettings()}. Clocks are explicit instants.
 */
abstract class RunLedgerContract {
  static final Duration LEASE = Duration.ofMinutes(10);
  static final String PASSWORD = "s3cret-Pa55word-never-printed";
  static final Instant H10 = Instant.parse("2026-11-20T10:00:00Z");
  static final Instant T0 = Instant.parse("2026-11-20T11:05:00.123Z");
  static final RunKey KEY = new RunKey("ingest", "web_events", H10);
  static final RunMetrics METRICS = new RunMetrics(12, 3_456_789L, 1_000_000L, 20_000, 19_500, 300, 200, 7, 4, 16,
      "local[2]", "0.1.0-SNAPSHOT", 1, 61_234L, 4_321L);

  private final List<JdbcRunLedger> opened = new ArrayList<>();

  /** Settings for a new, empty ledger database (tables not created yet). */
  abstract LedgerSettings freshSettings() throws Exception;

  /** Settings that point at a port where nothing listens, with {@link #PASSWORD} as the password. */
  abstract LedgerSettings unreachableSettings() throws Exception;

  JdbcRunLedger open(LedgerSettings settings) {
    JdbcRunLedger ledger = JdbcRunLedger.open(settings);
    opened.add(ledger);
    return ledger;
  }

  @AfterEach
  void closeLedgers() {
    opened.forEach(JdbcRunLedger::close);
  }

  static MigrationInfoService migrations(LedgerSettings s) {
    return Flyway.configure().dataSource(s.url(), s.user(), s.password()).locations(JdbcRunLedger.MIGRATIONS)
        .table(JdbcRunLedger.HISTORY_TABLE).load().info();
  }

  static void assertOneLineWithoutPassword(String message) {
    assertFalse(message.contains("\n") || message.contains("\r"), () -> "not one line: " + message);
    assertFalse(message.contains(PASSWORD), () -> "password leaked: " + message);
  }

  /** Not in the message, and not in any cause a stack trace would print either. */
  static void assertNoPasswordAnywhere(Throwable e) {
    assertOneLineWithoutPassword(e.getMessage());
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      assertFalse(message.contains(PASSWORD), () -> "password leaked by a cause: " + message);
    }
  }

  // --- schema -------------------------------------------------------------------------------------

  @Test
  void migrationsCreateTheSchemaOnFirstUseAndReopeningChangesNothing() throws Exception {
    LedgerSettings s = freshSettings();
    JdbcRunLedger first = open(s);
    assertEquals(2, migrations(s).applied().length);
    assertEquals(0, migrations(s).pending().length);
    assertEquals(Optional.empty(), first.latest("ingest", "web_events", H10));
    RunClaim claim = first.claim(KEY, "r1", T0);
    first.close();

    JdbcRunLedger again = open(s);
    JdbcRunLedger third = open(s);
    assertEquals(2, migrations(s).applied().length, "re-opening must not migrate again");
    assertEquals("running", again.latest("ingest", "web_events", H10).orElseThrow().status());
    third.succeeded(claim, METRICS, T0.plusSeconds(60));
    assertEquals("succeeded", again.latest("ingest", "web_events", H10).orElseThrow().status());
  }

  @Test
  void aLedgerOfTheFirstSchemaIsMigratedAndItsRunsReadAsRunsOfTheirOwn() throws Exception {
    LedgerSettings s = freshSettings();
    Flyway.configure().dataSource(s.url(), s.user(), s.password()).locations(JdbcRunLedger.MIGRATIONS)
        .table(JdbcRunLedger.HISTORY_TABLE).target("1").load().migrate();
    try (Connection c = DriverManager.getConnection(s.url(), s.user(), s.password());
        Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO runs (run_id, job, dataset, hour_start, attempt, status, started_at, ended_at, "
          + "input_files, input_bytes, executors, cores, wall_ms, startup_ms) VALUES ('old', 'ingest', 'web_events', "
          + H10.toEpochMilli() + ", 1, 'succeeded', " + T0.toEpochMilli() + ", " + T0.plusSeconds(60).toEpochMilli()
          + ", 3, 1000, 1, 2, 50000, 2000)");
    }
    JdbcRunLedger ledger = open(s);
    assertEquals(2, migrations(s).applied().length, "the second migration applied on opening");
    RunMetrics m = ledger.latest("ingest", "web_events", H10).orElseThrow().metrics();
    assertEquals(0, m.concurrentHours(), "recorded before the column: unknown");
    assertEquals(List.of("old"), ledger.recentSucceeded("ingest", "web_events", 5).stream().map(RunRow::runId).toList(),
        "a run recorded before the column counts as one of its own");
    assertEquals(1000, m.inputBytes());
  }

  // --- round trips --------------------------------------------------------------------------------

  @Test
  void aSucceededRunRecordsEveryField() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    RunClaim claim = ledger.claim(KEY, "run-1", T0);
    assertEquals(new RunClaim(KEY, "run-1", 1, T0.plus(LEASE)), claim);
    assertEquals(new RunRow("run-1", KEY, 1, "running", T0, null, RunMetrics.none(), null),
        ledger.latest("ingest", "web_events", H10).orElseThrow());

    Instant end = T0.plusMillis(61_234);
    ledger.succeeded(claim, METRICS, end);
    RunRow row = ledger.latest("ingest", "web_events", H10).orElseThrow();
    assertEquals(new RunRow("run-1", KEY, 1, "succeeded", T0, end, METRICS, null), row);
    assertTrue(row.isSucceeded());
  }

  @Test
  void aFailedRunRecordsItsMetricsAndErrorCutTo4000Characters() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    RunClaim claim = ledger.claim(KEY, "run-1", T0);
    String error = "accounts do not balance: read 10 != written 9 + quarantined 0 + duplicates 0\n" + "x".repeat(5000);
    RunMetrics partial = new RunMetrics(2, 100, 60, 10, 9, 0, 0, 0, 2, 4, "yarn", "1.2.3", 1, 900, 300).sharedBy(3);
    ledger.failed(claim, partial, error, T0.plusSeconds(5));
    RunRow row = ledger.latest("ingest", "web_events", H10).orElseThrow();
    assertEquals(new RunRow("run-1", KEY, 1, "failed", T0, T0.plusSeconds(5), partial, error.substring(0, 4000)), row);
    // The lock is released: the next run of the hour proceeds at once.
    assertEquals(2, ledger.claim(KEY, "run-2", T0.plusSeconds(6)).attempt());
  }

  @Test
  void anEmptyHourIsRecordedAsEmptyAndReleasesTheLock() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    RunClaim claim = ledger.claim(KEY, "run-1", T0);
    ledger.empty(claim, T0.plusSeconds(2));
    assertEquals(new RunRow("run-1", KEY, 1, "empty", T0, T0.plusSeconds(2), RunMetrics.none(), null),
        ledger.latest("ingest", "web_events", H10).orElseThrow());
    assertEquals(2, ledger.claim(KEY, "run-2", T0.plusSeconds(3)).attempt());
  }

  @Test
  void attemptsCountThePreviousRunsOfTheSameKeyOnly() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    Instant t = T0;
    ledger.failed(ledger.claim(KEY, "a1", t), RunMetrics.none(), "boom", t = t.plusSeconds(10));
    ledger.empty(ledger.claim(KEY, "a2", t), t = t.plusSeconds(10));
    ledger.succeeded(ledger.claim(KEY, "a3", t), METRICS, t = t.plusSeconds(10));
    // Other hours, datasets and jobs have their own numbering.
    assertEquals(1, ledger.claim(new RunKey("ingest", "web_events", H10.plusSeconds(3600)), "b1", t).attempt());
    assertEquals(1, ledger.claim(new RunKey("ingest", "app_events", H10), "c1", t).attempt());
    assertEquals(1, ledger.claim(new RunKey("marts", "web_events", H10), "d1", t).attempt());
    RunClaim fourth = ledger.claim(KEY, "a4", t.plusSeconds(10));
    assertEquals(4, fourth.attempt());
  }

  // --- the double-fire guard ----------------------------------------------------------------------

  @Test
  void aSecondClaimWhileTheFirstHoldsTheLeaseIsRefusedNamingTheHolder() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    RunClaim first = ledger.claim(KEY, "holder-run", T0);
    AlreadyRunningException refused = assertThrows(AlreadyRunningException.class,
        () -> ledger.claim(KEY, "second-run", T0.plus(LEASE).minusMillis(1)));
    String message = refused.getMessage();
    assertOneLineWithoutPassword(message);
    for (String part : List.of("ingest", "web_events", "2026-11-20T10", "holder-run", first.leaseUntil().toString())) {
      assertTrue(message.contains(part), () -> "message should name " + part + ": " + message);
    }
    assertEquals("holder-run", refused.holderRunId());
    assertEquals(first.leaseUntil(), refused.leaseUntil());
    assertEquals(KEY, refused.key());
    // The refused run left no trace.
    List<RunRow> rows = ledger.history("ingest", "web_events", H10, H10.plusSeconds(3600));
    assertEquals(List.of("holder-run"), rows.stream().map(RunRow::runId).toList());
  }

  @Test
  void leasesAreTheLocksHeldInTheRangeAndAFinishedRunHasNone() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    RunClaim done = ledger.claim(KEY, "run-done", T0);
    RunClaim held = ledger.claim(new RunKey("ingest", "web_events", H10.plusSeconds(3600)), "run-held", T0);
    ledger.claim(new RunKey("ingest", "other", H10), "run-other-dataset", T0);
    ledger.claim(new RunKey("ingest", "web_events", H10.plusSeconds(7200)), "run-after-range", T0);
    ledger.succeeded(done, METRICS, T0.plusSeconds(60));
    ledger.heartbeat(held, T0.plusSeconds(30));

    assertEquals(Map.of("run-held", T0.plusSeconds(30).plus(LEASE)),
        ledger.leases("ingest", "web_events", H10, H10.plusSeconds(7200)));
  }

  @Test
  void anExpiredLeaseIsTakenOverAndTheDeadRunIsMarkedFailed() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    RunClaim dead = ledger.claim(KEY, "dead-run", T0);
    Instant later = dead.leaseUntil(); // lease_until > now refuses; at lease_until it has expired
    RunClaim taker = ledger.claim(KEY, "taker-run", later);
    assertEquals(new RunClaim(KEY, "taker-run", 2, later.plus(LEASE)), taker);

    List<RunRow> rows = ledger.history("ingest", "web_events", H10, H10.plusSeconds(3600));
    assertEquals(2, rows.size());
    assertEquals(new RunRow("dead-run", KEY, 1, "failed", T0, later, RunMetrics.none(),
        "lease expired; driver presumed dead"), rows.get(0));
    assertEquals("running", rows.get(1).status());

    // The presumed-dead driver wakes up: it may not heartbeat or publish, and its late failure changes nothing.
    LeaseLostException lost = assertThrows(LeaseLostException.class, () -> ledger.heartbeat(dead, later.plusSeconds(1)));
    assertTrue(lost.getMessage().contains("taker-run"), lost.getMessage());
    assertOneLineWithoutPassword(lost.getMessage());
    assertThrows(LeaseLostException.class, () -> ledger.succeeded(dead, METRICS, later.plusSeconds(2)));
    assertThrows(LeaseLostException.class, () -> ledger.empty(dead, later.plusSeconds(2)));
    ledger.failed(dead, METRICS, "late failure", later.plusSeconds(3));
    assertEquals(rows, ledger.history("ingest", "web_events", H10, H10.plusSeconds(3600)));

    // The taker still holds the hour and finishes normally.
    ledger.succeeded(taker, METRICS, later.plusSeconds(60));
    assertEquals("taker-run", ledger.latest("ingest", "web_events", H10).orElseThrow().runId());
  }

  @Test
  void aTakeOverOfAFinishedRunsLockIsNotNeededAndAFreshClaimProceeds() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    ledger.succeeded(ledger.claim(KEY, "r1", T0), METRICS, T0.plusSeconds(1));
    RunClaim second = ledger.claim(KEY, "r2", T0.plusSeconds(2));
    assertEquals(2, second.attempt());
    assertEquals("succeeded", ledger.history("ingest", "web_events", H10, H10.plusSeconds(3600)).get(0).status());
  }

  /**
   * A state change whose commit went through but whose answer was lost (an embedded ledger's serving process
   * closed at that moment) is sent again: the claim stands as recorded and the outcome is not refused.
   */
  @Test
  void aClaimOrOutcomeSentAgainAfterItsAnswerWasLostStandsAsRecorded() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    RunClaim claim = ledger.claim(KEY, "r1", T0);
    RunClaim again = ledger.claim(KEY, "r1", T0.plusSeconds(1));
    assertEquals(claim, again);
    assertEquals(1, ledger.history("ingest", "web_events", H10, H10.plusSeconds(3600)).size());
    ledger.succeeded(claim, METRICS, T0.plusSeconds(2));
    ledger.succeeded(claim, METRICS, T0.plusSeconds(3));
    RunRow row = ledger.latest("ingest", "web_events", H10).orElseThrow();
    assertEquals(RunRow.SUCCEEDED, row.status());
    assertEquals(T0.plusSeconds(2), row.endedAt(), "the first outcome recorded stays");
    // Another run's outcome after the hour was released is still refused.
    assertThrows(LeaseLostException.class, () -> ledger.empty(claim, T0.plusSeconds(4)));
  }

  @Test
  void heartbeatExtendsTheLease() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    RunClaim claim = ledger.claim(KEY, "r1", T0);
    RunClaim beat = ledger.heartbeat(claim, T0.plus(Duration.ofMinutes(8)));
    assertEquals(new RunClaim(KEY, "r1", 1, T0.plus(Duration.ofMinutes(18))), beat);
    // Without the heartbeat this claim would have taken over at minute 12.
    AlreadyRunningException refused = assertThrows(AlreadyRunningException.class,
        () -> ledger.claim(KEY, "r2", T0.plus(Duration.ofMinutes(12))));
    assertEquals(beat.leaseUntil(), refused.leaseUntil());
    // A heartbeat after the lease ran out still works while nobody took the hour over.
    RunClaim late = ledger.heartbeat(beat, T0.plus(Duration.ofMinutes(20)));
    assertEquals(T0.plus(Duration.ofMinutes(30)), late.leaseUntil());
    ledger.succeeded(late, METRICS, T0.plus(Duration.ofMinutes(21)));
    assertThrows(LeaseLostException.class, () -> ledger.heartbeat(late, T0.plus(Duration.ofMinutes(22))));
  }

  @Test
  void aStateChangeThatFailsLeavesNothingBehind() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    RunKey other = new RunKey("ingest", "web_events", H10.plusSeconds(3600));
    ledger.succeeded(ledger.claim(KEY, "reused-id", T0), METRICS, T0.plusSeconds(1));
    // The lock of the other hour is taken first in the same transaction; the duplicate id undoes it.
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> ledger.claim(other, "reused-id", T0.plusSeconds(2)));
    assertTrue(dup.getMessage().contains("reused-id"), dup.getMessage());
    RunClaim fresh = ledger.claim(other, "fresh-id", T0.plusSeconds(3));
    assertEquals(1, fresh.attempt(), "no lock and no row may remain from the refused claim");
    assertEquals(1, ledger.history("ingest", "web_events", other.hourStart(), other.hourStart().plusSeconds(3600)).size());
  }

  @Test
  void twoConcurrentClaimsExactlyOneProceeds() throws Exception {
    LedgerSettings s = freshSettings();
    // Two ledgers (two "drivers"); every call opens its own connection.
    List<JdbcRunLedger> drivers = List.of(open(s), open(s));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        RunKey key = new RunKey("ingest", "web_events", H10.plusSeconds(3600L * round));
        List<Object> outcomes = race(pool, drivers, i -> drivers.get(i).claim(key, "r" + i + "-" + key.hour(), T0));
        assertExactlyOneWinner(outcomes, drivers.get(0).history("ingest", "web_events", key.hourStart(),
            key.hourStart().plusSeconds(3600)), 1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void twoConcurrentTakeOversOfAnExpiredLeaseExactlyOneProceeds() throws Exception {
    LedgerSettings s = freshSettings();
    List<JdbcRunLedger> drivers = List.of(open(s), open(s));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 10; round++) {
        RunKey key = new RunKey("ingest", "web_events", H10.plusSeconds(3600L * round));
        drivers.get(0).claim(key, "dead-" + round, T0);
        Instant later = T0.plus(LEASE).plusSeconds(1);
        List<Object> outcomes = race(pool, drivers, i -> drivers.get(i).claim(key, "r" + i + "-" + key.hour(), later));
        List<RunRow> rows = drivers.get(1).history("ingest", "web_events", key.hourStart(),
            key.hourStart().plusSeconds(3600));
        assertEquals("failed", rows.get(0).status());
        assertExactlyOneWinner(outcomes, rows.subList(1, rows.size()), 2);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  interface Claimer {
    RunClaim claim(int driver) throws Exception;
  }

  /** Starts one claim per driver at the same moment; each outcome is a RunClaim or the exception. */
  private static List<Object> race(ExecutorService pool, List<JdbcRunLedger> drivers, Claimer claimer)
      throws Exception {
    CountDownLatch ready = new CountDownLatch(drivers.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Object>> futures = new ArrayList<>();
    for (int i = 0; i < drivers.size(); i++) {
      int driver = i;
      Callable<Object> task = () -> {
        ready.countDown();
        go.await();
        try {
          return claimer.claim(driver);
        } catch (AlreadyRunningException e) {
          return e;
        }
      };
      futures.add(pool.submit(task));
    }
    assertTrue(ready.await(10, TimeUnit.SECONDS));
    go.countDown();
    List<Object> outcomes = new ArrayList<>();
    for (Future<Object> f : futures) {
      outcomes.add(f.get(60, TimeUnit.SECONDS));
    }
    return outcomes;
  }

  private static void assertExactlyOneWinner(List<Object> outcomes, List<RunRow> newRows, int attempt) {
    List<RunClaim> winners = outcomes.stream().filter(RunClaim.class::isInstance).map(RunClaim.class::cast).toList();
    assertEquals(1, winners.size(), () -> "exactly one claim must proceed: " + outcomes);
    RunClaim winner = winners.get(0);
    assertEquals(attempt, winner.attempt());
    AlreadyRunningException loser = outcomes.stream().filter(o -> o != winner)
        .map(o -> assertInstanceOf(AlreadyRunningException.class, o)).findFirst().orElseThrow();
    assertEquals(winner.runId(), loser.holderRunId());
    assertEquals(List.of(winner.runId()), newRows.stream().map(RunRow::runId).toList());
    assertEquals("running", newRows.get(0).status());
  }

  @Test
  void twoLedgersOnOneDatabaseSeeEachOthersLocks() throws Exception {
    LedgerSettings s = freshSettings();
    JdbcRunLedger a = open(s);
    JdbcRunLedger b = open(s);
    RunClaim held = a.claim(KEY, "from-a", T0);
    assertEquals("from-a", assertThrows(AlreadyRunningException.class, () -> b.claim(KEY, "from-b", T0.plusSeconds(1)))
        .holderRunId());
    a.succeeded(held, METRICS, T0.plusSeconds(2));
    assertEquals(2, b.claim(KEY, "from-b", T0.plusSeconds(3)).attempt());
  }

  // --- reading ------------------------------------------------------------------------------------

  @Test
  void historyLatestAndRecentSucceededAreOrdered() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    Instant h11 = H10.plusSeconds(3600);
    Instant h12 = H10.plusSeconds(7200);
    RunKey k10 = KEY;
    RunKey k11 = new RunKey("ingest", "web_events", h11);
    RunKey k12 = new RunKey("ingest", "web_events", h12);
    // Recorded out of hour order, as a backfill would.
    ledger.succeeded(ledger.claim(k12, "h12-a1", T0), METRICS, T0.plusSeconds(100));
    ledger.failed(ledger.claim(k10, "h10-a1", T0.plusSeconds(200)), RunMetrics.none(), "boom", T0.plusSeconds(250));
    ledger.succeeded(ledger.claim(k10, "h10-a2", T0.plusSeconds(300)), METRICS, T0.plusSeconds(400));
    ledger.empty(ledger.claim(k11, "h11-a1", T0.plusSeconds(500)), T0.plusSeconds(510));
    ledger.claim(k11, "h11-a2", T0.plusSeconds(600));
    ledger.succeeded(ledger.claim(new RunKey("ingest", "app_events", h11), "other-ds", T0.plusSeconds(700)),
        METRICS, T0.plusSeconds(800));
    ledger.succeeded(ledger.claim(new RunKey("marts", "web_events", h11), "other-job", T0.plusSeconds(700)),
        METRICS, T0.plusSeconds(800));

    assertEquals(List.of("h10-a1", "h10-a2", "h11-a1", "h11-a2"),
        ledger.history("ingest", "web_events", H10, h12).stream().map(RunRow::runId).toList(), "to is exclusive");
    assertEquals(List.of("h10-a1", "h10-a2", "h11-a1", "h11-a2", "h12-a1"),
        ledger.history("ingest", "web_events", H10, h12.plusSeconds(3600)).stream().map(RunRow::runId).toList());
    assertEquals(List.of("h11-a1", "h11-a2"),
        ledger.history("ingest", "web_events", h11, h12).stream().map(RunRow::runId).toList(), "from is inclusive");
    assertEquals(List.of(), ledger.history("ingest", "web_events", h12.plusSeconds(3600), h12.plusSeconds(7200)));

    assertEquals("h10-a2", ledger.latest("ingest", "web_events", H10).orElseThrow().runId());
    RunRow latest11 = ledger.latest("ingest", "web_events", h11).orElseThrow();
    assertEquals("h11-a2", latest11.runId());
    assertTrue(latest11.isRunning());
    assertEquals(Optional.empty(), ledger.latest("ingest", "web_events", h12.plusSeconds(3600)));

    assertEquals(List.of("h10-a2", "h12-a1"),
        ledger.recentSucceeded("ingest", "web_events", 10).stream().map(RunRow::runId).toList(), "newest first");
    assertEquals(List.of("h10-a2"),
        ledger.recentSucceeded("ingest", "web_events", 1).stream().map(RunRow::runId).toList());
    assertEquals(METRICS, ledger.recentSucceeded("ingest", "web_events", 1).get(0).metrics());
    assertEquals(List.of(), ledger.recentSucceeded("ingest", "nothing", 5));
    assertThrows(IllegalArgumentException.class, () -> ledger.recentSucceeded("ingest", "web_events", 0));

    // The newest runs, two hours of a backfill run at once, had a share of the cores each: not the sizer's history.
    Instant h13 = h12.plusSeconds(3600);
    ledger.succeeded(ledger.claim(new RunKey("ingest", "web_events", h13), "h13-shared", T0.plusSeconds(900)),
        METRICS.sharedBy(2), T0.plusSeconds(950));
    ledger.succeeded(ledger.claim(new RunKey("ingest", "web_events", h13.plusSeconds(3600)), "h14-shared",
        T0.plusSeconds(900)), METRICS.sharedBy(2), T0.plusSeconds(960));
    assertEquals(List.of("h10-a2"), ledger.recentSucceeded("ingest", "web_events", 1).stream().map(RunRow::runId).toList(),
        "runs that shared their session are left out before the limit, not after");
  }

  // --- failures -----------------------------------------------------------------------------------

  @Test
  void anUnreachableLedgerFailsWithOneLineNamingItWithoutThePassword() throws Exception {
    LedgerSettings s = unreachableSettings();
    LedgerUnavailableException e = assertThrows(LedgerUnavailableException.class, () -> JdbcRunLedger.open(s));
    String message = e.getMessage();
    assertNoPasswordAnywhere(e);
    assertTrue(message.startsWith("cannot reach the ledger at " + s.redactedUrl() + ": "), message);
  }

  @Test
  void aClosedLedgerRefusesCalls() throws Exception {
    JdbcRunLedger ledger = open(freshSettings());
    ledger.close();
    assertThrows(IllegalStateException.class, () -> ledger.claim(KEY, "r1", T0));
  }
}
