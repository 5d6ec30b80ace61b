package io.hourglass.common.ledger;

import io.hourglass.common.config.BadConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The run ledger on plain JDBC: PostgreSQL in production, an embedded H2 file locally. Every state
 * change is one transaction, so a failure never leaves a half-recorded run; the double-fire guard is a
 * lock row per job/dataset/hour whose primary key makes taking it atomic, with a lease so that a dead
 * driver does not block its hour forever.
 *
 * <p>Each call opens its own connection and closes it: a run makes a handful of calls over an hour
 * (claim, a heartbeat every few minutes, the outcome), so a pool would only hold idle connections
 * that RDS or a NAT may drop during a long Spark stage; and concurrent callers (backfill threads) never
 * share a transaction. (The embedded H2 ledger also keeps one idle connection, only so that the
 * database file stays open between calls.) Drivers are looked up through this class's class loader
 * rather than {@code DriverManager}, which under spark-submit does not see drivers inside the
 * application jar.
 *
 * <p>Instants are stored as epoch milliseconds (UTC); the caller passes {@code now} (its wall clock; the
 * drivers' clocks must agree to well within the lease), so tests control the clock. One instance is safe
 * to use from many threads (a backfill's hours).
 */
public final class JdbcRunLedger implements AutoCloseable {
  /** Flyway location of the ledger's migrations. */
  public static final String MIGRATIONS = "classpath:db/migration/ledger";
  /** Flyway's schema history table, named for the ledger so it can share a database with others. */
  public static final String HISTORY_TABLE = "hourglass_ledger_history";
  /** The error recorded on a run whose lease expired and whose hour another run took over. */
  public static final String LEASE_EXPIRED = "lease expired; driver presumed dead";
  /** Longest run id the ledger stores. */
  public static final int MAX_RUN_ID_LENGTH = 128;

  private static final int MAX_ERROR_LENGTH = 4000;
  private static final int MAX_TEXT_LENGTH = 512;
  /** Attempts of one transaction that lost a race (unique key, concurrent update, deadlock) before giving up. */
  private static final int CONFLICT_ATTEMPTS = 6;
  /**
   * Attempts of one transaction whose connection the embedded file's serving process closed under it: each
   * ends as soon as that happens, and processes that open and close the file quickly can do it several times.
   */
  private static final int SERVER_GONE_ATTEMPTS = 20;
  private static final String H2_BIND_ADDRESS = "h2.bindAddress";

  private static final String COLUMNS = "run_id, job, dataset, hour_start, attempt, status, started_at, ended_at, "
      + "input_files, input_bytes, largest_file_bytes, records_read, records_written, records_quarantined, "
      + "duplicates, blank_lines, executors, cores, spark_master, code_version, schema_version, wall_ms, "
      + "startup_ms, concurrent_hours, error";
  private static final String KEY_IS = "job = ? AND dataset = ? AND hour_start = ?";

  private final LedgerSettings settings;
  private final Driver driver;
  /** The embedded H2 file's folder; null for a database reached over the network. */
  private final Path embeddedFolder;
  /** H2 only: holds the database open between calls (see {@link #open}); null otherwise. */
  private Connection keepOpen;
  private volatile boolean closed;

  private JdbcRunLedger(LedgerSettings settings, Driver driver) {
    this.settings = settings;
    this.driver = driver;
    this.embeddedFolder = settings.embeddedFolder();
  }

  /**
   * Opens the ledger and brings its schema up to date (creating it on first use; a no-op when current).
   *
   * @throws LedgerUnavailableException when the database cannot be reached
   * @throws IllegalArgumentException when no driver on the classpath accepts the URL
   */
  public static JdbcRunLedger open(LedgerSettings settings) {
    Objects.requireNonNull(settings, "settings");
    prepareEmbedded(settings);
    JdbcRunLedger ledger = new JdbcRunLedger(settings, driverFor(settings));
    // Reach the database before Flyway does: a refusal then reads the same as from any other call.
    Connection first = ledger.connect();
    if (isH2(settings)) {
      // H2 closes a database with its last connection and reopens the file (lock protocol, auto-server
      // start) on the next, ~100 ms per call; one idle connection keeps it open while the ledger is.
      ledger.keepOpen = first;
    } else {
      closeQuietly(first);
    }
    try {
      ledger.migrate();
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
    return ledger;
  }

  public LedgerSettings settings() {
    return settings;
  }

  /**
   * Atomically takes the lock for key (or an expired one) and inserts a 'running' row; attempt = previous
   * runs of key + 1. Taking over an expired lock records the previous holder's run, if still running, as
   * failed with {@link #LEASE_EXPIRED}.
   *
   * @throws AlreadyRunningException when another run's lease on key runs past {@code now}
   * @throws IllegalArgumentException when {@code runId} is already recorded
   */
  public RunClaim claim(RunKey key, String runId, Instant now) throws AlreadyRunningException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(now, "now");
    if (runId == null || runId.isBlank() || runId.length() > MAX_RUN_ID_LENGTH) {
      throw new IllegalArgumentException("A run id must be 1 to " + MAX_RUN_ID_LENGTH + " characters, cannot be: "
          + (runId == null ? null : "'" + runId + "'"));
    }
    long nowMs = now.toEpochMilli();
    long until = nowMs + settings.lease().toMillis();
    return transaction("claim " + key.describe() + " for run " + runId, c -> {
      Lock held = lock(c, key);
      if (held != null && held.runId().equals(runId)) {
        // Run ids are new per run, so this is this very claim, committed by an attempt whose answer was lost
        // (an embedded ledger's serving process went away at that moment): the claim stands as recorded.
        return new RunClaim(key, runId, attemptOf(c, runId), Instant.ofEpochMilli(held.leaseUntil()));
      }
      if (held == null) {
        // Two claimers may both find no lock: the primary key lets one insert win, the other retries.
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO run_locks (job, dataset, hour_start, run_id, lease_until) VALUES (?, ?, ?, ?, ?)")) {
          setKey(ps, 1, key);
          ps.setString(4, runId);
          ps.setLong(5, until);
          ps.executeUpdate();
        }
      } else if (held.leaseUntil() > nowMs) {
        throw new AlreadyRunningException(key, held.runId(), Instant.ofEpochMilli(held.leaseUntil()));
      } else {
        // Compare-and-set on the expired holder: of two claimers taking over at once, one updates a row.
        try (PreparedStatement ps = c.prepareStatement("UPDATE run_locks SET run_id = ?, lease_until = ? WHERE "
            + KEY_IS + " AND run_id = ? AND lease_until = ?")) {
          ps.setString(1, runId);
          ps.setLong(2, until);
          setKey(ps, 3, key);
          ps.setString(6, held.runId());
          ps.setLong(7, held.leaseUntil());
          if (ps.executeUpdate() != 1) {
            throw new Conflict();
          }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE runs SET status = ?, ended_at = ?, error = ? "
            + "WHERE run_id = ? AND status = ?")) {
          ps.setString(1, RunRow.FAILED);
          ps.setLong(2, nowMs);
          ps.setString(3, LEASE_EXPIRED);
          ps.setString(4, held.runId());
          ps.setString(5, RunRow.RUNNING);
          ps.executeUpdate();
        }
      }
      int attempt;
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM runs WHERE " + KEY_IS)) {
        setKey(ps, 1, key);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          attempt = rs.getInt(1) + 1;
        }
      }
      if (runRecorded(c, runId)) {
        throw new IllegalArgumentException("run id " + runId + " is already recorded in the ledger; "
            + "every run needs a new one");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO runs (run_id, job, dataset, hour_start, attempt, "
          + "status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, runId);
        setKey(ps, 2, key);
        ps.setInt(5, attempt);
        ps.setString(6, RunRow.RUNNING);
        ps.setLong(7, nowMs);
        ps.executeUpdate();
      }
      return new RunClaim(key, runId, attempt, Instant.ofEpochMilli(until));
    });
  }

  /**
   * Extends the lease to {@code now + lease}. Also works after the lease has expired as long as no other
   * run took the hour over.
   *
   * @throws LeaseLostException when another run took the hour over (this run must stop)
   */
  public RunClaim heartbeat(RunClaim claim, Instant now) {
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(now, "now");
    long until = now.toEpochMilli() + settings.lease().toMillis();
    return transaction("heartbeat of run " + claim.runId(), c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE run_locks SET lease_until = ? WHERE " + KEY_IS + " AND run_id = ?")) {
        ps.setLong(1, until);
        setKey(ps, 2, claim.key());
        ps.setString(5, claim.runId());
        if (ps.executeUpdate() != 1) {
          throw leaseLost(c, claim);
        }
      }
      return new RunClaim(claim.key(), claim.runId(), claim.attempt(), Instant.ofEpochMilli(until));
    });
  }

  /**
   * Records the run as succeeded with its metrics and releases the lock.
   *
   * @throws LeaseLostException when another run took the hour over; nothing is recorded
   */
  public void succeeded(RunClaim claim, RunMetrics m, Instant now) {
    finish(claim, RunRow.SUCCEEDED, Objects.requireNonNull(m, "metrics"), null, now, true);
  }

  /**
   * Records the run as empty (the hour had no input) and releases the lock.
   *
   * @throws LeaseLostException when another run took the hour over; nothing is recorded
   */
  public void empty(RunClaim claim, Instant now) {
    finish(claim, RunRow.EMPTY, RunMetrics.none(), null, now, true);
  }

  /**
   * Records the run as failed with its error (cut to 4000 characters) and releases the lock. When another
   * run has already taken the hour over, the row stays as the takeover recorded it and nothing is thrown,
   * so that the caller's own failure is what it reports.
   */
  public void failed(RunClaim claim, RunMetrics m, String error, Instant now) {
    finish(claim, RunRow.FAILED, Objects.requireNonNull(m, "metrics"), error == null ? "unknown error" : error,
        now, false);
  }

  /** The newest run of the key (by start), whatever its status. */
  public Optional<RunRow> latest(String job, String dataset, Instant hourStart) {
    RunKey key = new RunKey(job, dataset, hourStart);
    List<RunRow> rows = query("latest run of " + key.describe(), "SELECT " + COLUMNS + " FROM runs WHERE " + KEY_IS
        + " ORDER BY started_at DESC, attempt DESC", 1, ps -> setKey(ps, 1, key));
    return rows.stream().findFirst();
  }

  /** Every run of job/dataset with {@code fromInclusive <= hour < toExclusive}, ordered by hour, then start. */
  public List<RunRow> history(String job, String dataset, Instant fromInclusive, Instant toExclusive) {
    Objects.requireNonNull(fromInclusive, "fromInclusive");
    Objects.requireNonNull(toExclusive, "toExclusive");
    return query("history of job " + job + ", dataset " + dataset, "SELECT " + COLUMNS + " FROM runs "
        + "WHERE job = ? AND dataset = ? AND hour_start >= ? AND hour_start < ? "
        + "ORDER BY hour_start, started_at, attempt", 0, ps -> {
          ps.setString(1, job);
          ps.setString(2, dataset);
          ps.setLong(3, fromInclusive.toEpochMilli());
          ps.setLong(4, toExclusive.toEpochMilli());
        });
  }

  /**
   * The leases held on hours of job/dataset with {@code fromInclusive <= hour < toExclusive}: run id to the instant its
   * lease runs out. A running run missing here, or whose lease has run out, has a dead driver (status shows it so).
   */
  public Map<String, Instant> leases(String job, String dataset, Instant fromInclusive, Instant toExclusive) {
    return transaction("leases of job " + job + ", dataset " + dataset, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT run_id, lease_until FROM run_locks "
          + "WHERE job = ? AND dataset = ? AND hour_start >= ? AND hour_start < ?")) {
        ps.setString(1, job);
        ps.setString(2, dataset);
        ps.setLong(3, fromInclusive.toEpochMilli());
        ps.setLong(4, toExclusive.toEpochMilli());
        Map<String, Instant> out = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString("run_id"), Instant.ofEpochMilli(rs.getLong("lease_until")));
          }
        }
        return Map.copyOf(out);
      }
    });
  }

  /**
   * The newest {@code limit} succeeded runs of job/dataset that had their session to themselves, newest start first
   * (the sizer's history). A run of a backfill's hours run several at once ({@code concurrent_hours} above 1) had a
   * share of the cores it recorded and is left out here, so a long backfill does not push the ingest runs out of the
   * limit; a run recorded before that column (NULL) counts as one of its own.
   */
  public List<RunRow> recentSucceeded(String job, String dataset, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("The number of recent runs must be at least 1, cannot be: " + limit);
    }
    return query("recent succeeded runs of job " + job + ", dataset " + dataset, "SELECT " + COLUMNS
        + " FROM runs WHERE job = ? AND dataset = ? AND status = ? AND (concurrent_hours IS NULL OR concurrent_hours <= 1)"
        + " ORDER BY started_at DESC, hour_start DESC",
        limit, ps -> {
          ps.setString(1, job);
          ps.setString(2, dataset);
          ps.setString(3, RunRow.SUCCEEDED);
        });
  }

  /** Closes the ledger; later calls fail. Only an embedded H2 ledger holds a connection between calls. */
  @Override
  public synchronized void close() {
    closed = true;
    if (keepOpen != null) {
      closeQuietly(keepOpen);
      keepOpen = null;
    }
  }

  /**
   * The embedded ledger's idle connection reached the file through another process's auto-server, and that
   * process has closed it: without a live one, every call would open and close the file (with H2's compaction,
   * about 0.3 s each). A fresh connection opens the file here or reaches whichever process serves it now.
   */
  private void keepOpenAlive() {
    Connection held = keepOpen;
    if (held == null) {
      return;
    }
    boolean alive;
    try {
      alive = held.isValid(2);
    } catch (SQLException e) {
      alive = false;
    }
    if (alive) {
      return;
    }
    synchronized (this) {
      if (keepOpen != held || closed) {
        return;
      }
      try {
        keepOpen = connect();
      } catch (RuntimeException e) {
        return; // the call itself will meet the same problem and report it
      }
      closeQuietly(held);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // the database is gone already (e.g. the process that served it ended); nothing to release
    }
  }

  // ---------------------------------------------------------------------------------------------------

  private void finish(RunClaim claim, String status, RunMetrics m, String error, Instant now, boolean strict) {
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(now, "now");
    long nowMs = now.toEpochMilli();
    transaction("record run " + claim.runId() + " as " + status, c -> {
      int released;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM run_locks WHERE " + KEY_IS + " AND run_id = ?")) {
        setKey(ps, 1, claim.key());
        ps.setString(4, claim.runId());
        released = ps.executeUpdate();
      }
      if (released == 0 && strict) {
        if (status.equals(statusOf(c, claim.runId()))) {
          return null; // recorded by an attempt whose answer was lost (see claim)
        }
        throw leaseLost(c, claim);
      }
      int updated;
      try (PreparedStatement ps = c.prepareStatement("UPDATE runs SET status = ?, ended_at = ?, input_files = ?, "
          + "input_bytes = ?, largest_file_bytes = ?, records_read = ?, records_written = ?, "
          + "records_quarantined = ?, duplicates = ?, blank_lines = ?, executors = ?, cores = ?, spark_master = ?, "
          + "code_version = ?, schema_version = ?, wall_ms = ?, startup_ms = ?, concurrent_hours = ?, error = ? "
          + "WHERE run_id = ? AND status = ?")) {
        int i = 0;
        ps.setString(++i, status);
        ps.setLong(++i, nowMs);
        ps.setLong(++i, m.inputFiles());
        ps.setLong(++i, m.inputBytes());
        ps.setLong(++i, m.largestFileBytes());
        ps.setLong(++i, m.recordsRead());
        ps.setLong(++i, m.recordsWritten());
        ps.setLong(++i, m.recordsQuarantined());
        ps.setLong(++i, m.duplicates());
        ps.setLong(++i, m.blankLines());
        ps.setInt(++i, m.executors());
        ps.setInt(++i, m.cores());
        setText(ps, ++i, cut(m.sparkMaster(), MAX_TEXT_LENGTH));
        setText(ps, ++i, cut(m.codeVersion(), 128));
        ps.setInt(++i, m.schemaVersion());
        ps.setLong(++i, m.wallMs());
        ps.setLong(++i, m.startupMs());
        ps.setInt(++i, m.concurrentHours());
        setText(ps, ++i, cut(error, MAX_ERROR_LENGTH));
        ps.setString(++i, claim.runId());
        ps.setString(++i, RunRow.RUNNING);
        updated = ps.executeUpdate();
      }
      if (updated == 0 && strict) {
        throw new IllegalStateException("run " + claim.runId() + " (" + claim.key().describe()
            + ") is not running in the ledger any more; its outcome " + status + " was not recorded");
      }
      return null;
    });
  }

  private LeaseLostException leaseLost(Connection c, RunClaim claim) throws SQLException {
    Lock now = lock(c, claim.key());
    return now == null
        ? new LeaseLostException(claim, null, null)
        : new LeaseLostException(claim, now.runId(), Instant.ofEpochMilli(now.leaseUntil()));
  }

  private record Lock(String runId, long leaseUntil) {}

  private static Lock lock(Connection c, RunKey key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT run_id, lease_until FROM run_locks WHERE " + KEY_IS)) {
      setKey(ps, 1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Lock(rs.getString(1), rs.getLong(2)) : null;
      }
    }
  }

  private static int attemptOf(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT attempt FROM runs WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("run " + runId + " holds its hour's lock but has no row in the ledger");
        }
        return rs.getInt(1);
      }
    }
  }

  private static String statusOf(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT status FROM runs WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static boolean runRecorded(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM runs WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void setKey(PreparedStatement ps, int first, RunKey key) throws SQLException {
    ps.setString(first, key.job());
    ps.setString(first + 1, key.dataset());
    ps.setLong(first + 2, key.hourStart().toEpochMilli());
  }

  private static void setText(PreparedStatement ps, int index, String value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  private List<RunRow> query(String what, String sql, int maxRows, Binder binder) {
    return transaction(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        binder.bind(ps);
        if (maxRows > 0) {
          ps.setMaxRows(maxRows);
        }
        List<RunRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(row(rs));
          }
        }
        return List.copyOf(rows);
      }
    });
  }

  private static RunRow row(ResultSet rs) throws SQLException {
    RunKey key = new RunKey(rs.getString("job"), rs.getString("dataset"),
        Instant.ofEpochMilli(rs.getLong("hour_start")));
    long ended = rs.getLong("ended_at");
    Instant endedAt = rs.wasNull() ? null : Instant.ofEpochMilli(ended);
    // A running row has no metrics yet: getLong/getInt read its NULLs as 0, i.e. RunMetrics.none().
    RunMetrics metrics = new RunMetrics(rs.getLong("input_files"), rs.getLong("input_bytes"),
        rs.getLong("largest_file_bytes"), rs.getLong("records_read"), rs.getLong("records_written"),
        rs.getLong("records_quarantined"), rs.getLong("duplicates"), rs.getLong("blank_lines"),
        rs.getInt("executors"), rs.getInt("cores"), rs.getString("spark_master"), rs.getString("code_version"),
        rs.getInt("schema_version"), rs.getLong("wall_ms"), rs.getLong("startup_ms"),
        rs.getInt("concurrent_hours"));
    return new RunRow(rs.getString("run_id"), key, rs.getInt("attempt"), rs.getString("status"),
        Instant.ofEpochMilli(rs.getLong("started_at")), endedAt, metrics, rs.getString("error"));
  }

  // --- connections, transactions, errors ------------------------------------------------------------

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** Thrown inside a transaction that lost a race it can win by starting over. */
  private static final class Conflict extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Conflict() {
      super(null, null, false, false);
    }
  }

  /**
   * Runs work in one transaction on a fresh connection: committed whole or rolled back whole. A
   * transaction that lost a race (unique key, concurrent update, deadlock) is retried from the start.
   */
  private <T> T transaction(String what, Work<T> work) {
    if (closed) {
      throw new IllegalStateException("the ledger at " + settings.redactedUrl() + " is closed");
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return once(work);
      } catch (Conflict e) {
        if (attempt >= CONFLICT_ATTEMPTS) {
          throw new IllegalStateException("ledger at " + settings.redactedUrl() + ": " + what + " lost "
              + attempt + " races in a row; try again");
        }
      } catch (SQLException e) {
        boolean again = isConflict(e) ? attempt < CONFLICT_ATTEMPTS
            : servingProcessLeft(e) && attempt < SERVER_GONE_ATTEMPTS;
        if (!again) {
          throw translate(what, e);
        }
      }
      pause(attempt);
    }
  }

  private <T> T once(Work<T> work) throws SQLException {
    keepOpenAlive();
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(Math.min(200L, 5L << attempt) + (long) (Math.random() * 10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a ledger transaction", e);
    }
  }

  private Connection connect() {
    Properties props = new Properties();
    if (settings.user() != null) {
      props.setProperty("user", settings.user());
    }
    if (settings.password() != null) {
      props.setProperty("password", settings.password());
    }
    long deadline = System.nanoTime() + LOCKED_FILE_WAIT.toNanos();
    Path folder = embeddedFolder;
    if (folder == null) {
      return connect(props, deadline);
    }
    // H2's own file lock cannot sort out processes that open an abandoned file at once: each takes the
    // dead owner's lock over in two steps two seconds apart and overwrites the others' claim in lockstep,
    // so all of them can fail until they give up (a resumed driver beside a `status` poll did, in CI). One
    // process at a time opens the file, under an operating-system lock that dies with its holder; the
    // others then find it open and reach it through its auto-server. The JVM-wide monitor keeps this
    // process's threads from overlapping on that lock, which the JDK refuses.
    Path opening = folder.resolve(OPENING_LOCK);
    synchronized (EMBEDDED_OPENING) {
      try (FileChannel channel = FileChannel.open(opening, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = lockBy(channel, deadline)) {
        if (held == null) {
          throw new LedgerUnavailableException(settings.redactedUrl(), "another process has been opening it for "
              + LOCKED_FILE_WAIT.toSeconds() + " s (it holds " + opening + ")", null);
        }
        return connect(props, deadline);
      } catch (IOException e) {
        throw new LedgerUnavailableException(settings.redactedUrl(), "cannot lock " + opening + ": " + oneLine(e), e);
      }
    }
  }

  /** The channel's lock, or null when another process still holds it at the deadline. */
  private static FileLock lockBy(FileChannel channel, long deadline) throws IOException {
    while (true) {
      FileLock lock = channel.tryLock();
      if (lock != null || System.nanoTime() > deadline) {
        return lock;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  private Connection connect(Properties props, long deadline) {
    // An embedded H2 file whose owner was just killed stays "locked by another process" until H2 sees
    // that its lock is no longer kept alive (a few seconds), a lock file touched moments ago fails the
    // open outright, and an owner that is closing the file has stopped the auto-server its lock file still
    // names: wait each out instead of failing the run.
    while (true) {
      try {
        Connection c = driver.connect(settings.url(), props);
        if (c == null) {
          throw new BadConfigException(noDriverMessage(settings)); // a setting to fix: exit 2, one line
        }
        return c;
      } catch (SQLException e) {
        if (!(isH2LockBusy(e) || servingProcessLeft(e)) || System.nanoTime() > deadline) {
          throw unavailable(e);
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw unavailable(e);
        }
      }
    }
  }

  /** Next to the embedded database file: held (by the operating system) while one process opens it. */
  static final String OPENING_LOCK = "ledger.opening.lock";
  private static final Object EMBEDDED_OPENING = new Object();

  /** H2's "Database may be already in use" (its file lock is held, or was held by a process that died). */
  private static final int H2_DATABASE_ALREADY_OPEN = 90020;
  /**
   * For an embedded file, what a connection to its owner's auto-server meets when that owner closes it or
   * exits: H2's "Connection is broken" (90067), "Database is already closed" (at the owner's VM shutdown,
   * 90121) and "The database has been closed" (90098); also a statement whose store closed under it
   * ({@link #closedUnderTheCall}).
   */
  private static final Set<Integer> H2_SERVER_GONE = Set.of(90067, 90121, 90098);
  /** H2's "Error opening database": among other causes, a lock file another process wrote moments ago. */
  private static final int H2_ERROR_OPENING_DATABASE = 8000;
  /**
   * The messages of H2's file-lock protocol (org.h2.store.FileLock) that mean another process touched the
   * lock file while this one was taking it: its owner was alive moments ago (or just died), or two openers
   * raced. Each passes once that process is gone; H2's other "error opening database" causes do not.
   */
  private static final List<String> H2_LOCK_RACES =
      List.of("Lock file recently modified", "Another process was faster", "Concurrent update");
  private static final java.time.Duration LOCKED_FILE_WAIT = java.time.Duration.ofSeconds(20);

  /** The embedded database's file lock is held or being fought over: worth waiting for. */
  private static boolean isH2LockBusy(SQLException e) {
    if (e.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
      return true;
    }
    String message = e.getMessage();
    return e.getErrorCode() == H2_ERROR_OPENING_DATABASE && message != null
        && H2_LOCK_RACES.stream().anyMatch(message::contains);
  }

  private LedgerUnavailableException unavailable(Throwable e) {
    String reason = settings.redact(oneLine(e));
    return new LedgerUnavailableException(settings.redactedUrl(), reason, mentionsPassword(e) ? null : e);
  }

  private RuntimeException translate(String what, SQLException e) {
    if (isConnectionProblem(e)) {
      return unavailable(e);
    }
    String message = "ledger at " + settings.redactedUrl() + ": " + what + " failed: " + settings.redact(oneLine(e));
    return new IllegalStateException(message, mentionsPassword(e) ? null : e);
  }

  /** Whether a message in e's chain holds something that redaction would mask: then e is not attached. */
  private boolean mentionsPassword(Throwable e) {
    for (Throwable t : chain(e)) {
      String message = t.getMessage();
      if (message != null && !message.equals(settings.redact(message))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Another process served this embedded ledger (its auto-server) and has just closed it. H2 reconnects an
   * open connection by itself, outside the opening lock, so the statement may also meet the file being taken
   * over: a fresh connection (see {@link #connect}) opens the file here or reaches whichever process serves
   * it now.
   */
  private boolean servingProcessLeft(Throwable e) {
    if (embeddedFolder == null) {
      return false;
    }
    for (Throwable t : chain(e)) {
      if (t instanceof SQLException sql && (H2_SERVER_GONE.contains(sql.getErrorCode()) || isH2LockBusy(sql))
          || closedUnderTheCall(t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * H2's store closed while a statement ran in it: a "General error" around "Transaction N is closed", which a call
   * meets when the serving process closes the file mid-statement (seen once in a CI run, in Flyway's first query).
   */
  static boolean closedUnderTheCall(Throwable t) {
    return t instanceof org.h2.mvstore.MVStoreException store && store.getErrorCode() == org.h2.mvstore.DataUtils.ERROR_CLOSED;
  }

  /** A race a retry can win: unique key taken meanwhile, serialization failure, deadlock, H2's lock waits. */
  private static boolean isConflict(SQLException e) {
    String state = e.getSQLState();
    int code = e.getErrorCode();
    return "23505".equals(state) || "40001".equals(state) || "40P01".equals(state)
        || code == 90131 /* H2 concurrent update */ || code == 50200 /* H2 lock timeout */
        || code == 40001 /* H2 deadlock */;
  }

  /** The database is out of reach (or refuses us), as opposed to a statement it rejected. */
  private static boolean isConnectionProblem(Throwable e) {
    for (Throwable t : chain(e)) {
      if (t instanceof SQLNonTransientConnectionException || t instanceof SQLTransientConnectionException
          || t instanceof IOException) {
        return true;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        int code = sql.getErrorCode();
        if (state.startsWith("08") || state.startsWith("28") || state.startsWith("57P") || state.equals("53300")
            || state.equals("3D000")
            || code == 90067 || code == 90020 || code == 90098 || code == 90121 || code == 90013 || code == 90146) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<Throwable> chain(Throwable e) {
    List<Throwable> out = new ArrayList<>();
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      out.add(t);
      if (t instanceof SQLException sql && sql.getNextException() != null && seen.add(sql.getNextException())) {
        out.add(sql.getNextException());
      }
    }
    return out;
  }

  /**
   * The first informative message of e and, when it adds something, its root cause (a driver's "The
   * connection attempt failed." says more with "(UnknownHostException: db.internal)"), on one line.
   */
  private static String oneLine(Throwable e) {
    List<Throwable> chain = chain(e);
    String message = null;
    for (Throwable t : chain) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
        break;
      }
    }
    if (message == null) {
      message = e.getClass().getSimpleName();
    }
    Throwable root = chain.get(chain.size() - 1);
    if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
      message += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
    return message.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  // --- opening ---------------------------------------------------------------------------------------

  /** The embedded H2 database: loopback-only auto-server, and its folder created on first use. */
  private static boolean isH2(LedgerSettings settings) {
    return settings.url().regionMatches(true, 0, "jdbc:h2:", 0, "jdbc:h2:".length());
  }

  private static void prepareEmbedded(LedgerSettings settings) {
    if (!isH2(settings)) {
      return;
    }
    // H2 reads this once, when its first database opens; AUTO_SERVER would otherwise listen on every
    // interface. A value set by the user (e.g. -Dh2.bindAddress=...) is kept.
    if (System.getProperty(H2_BIND_ADDRESS) == null) {
      System.setProperty(H2_BIND_ADDRESS, "127.0.0.1");
    }
    Path folder = settings.embeddedFolder();
    if (folder != null) {
      try {
        Files.createDirectories(folder);
      } catch (IOException | RuntimeException e) {
        throw new LedgerUnavailableException(settings.redactedUrl(), "cannot create the state folder " + folder
            + ": " + oneLine(e), e);
      }
    }
  }

  private static Driver driverFor(LedgerSettings settings) {
    ServiceLoader<Driver> drivers = ServiceLoader.load(Driver.class, JdbcRunLedger.class.getClassLoader());
    var it = drivers.iterator();
    while (true) {
      Driver d;
      try {
        if (!it.hasNext()) {
          break;
        }
        d = it.next();
      } catch (ServiceConfigurationError broken) {
        continue; // a broken driver elsewhere on the classpath must not hide ours
      }
      try {
        if (d.acceptsURL(settings.url())) {
          return d;
        }
      } catch (SQLException ignored) {
        // not this driver's URL
      }
    }
    throw new BadConfigException(noDriverMessage(settings)); // a setting to fix: exit 2, one line
  }

  private static String noDriverMessage(LedgerSettings settings) {
    return "no JDBC driver on the classpath accepts the ledger URL " + settings.redactedUrl()
        + " (supported: jdbc:postgresql://host:port/db, jdbc:h2:file:/path)";
  }

  private void migrate() {
    Flyway flyway = Flyway.configure(JdbcRunLedger.class.getClassLoader())
        .dataSource(new LedgerDataSource(this::connect))
        .locations(MIGRATIONS)
        .table(HISTORY_TABLE)
        .failOnMissingLocations(true)
        .load();
    for (int attempt = 1; ; attempt++) {
      try {
        flyway.migrate();
        return;
      } catch (FlywayException e) {
        if (attempt < SERVER_GONE_ATTEMPTS && servingProcessLeft(e)) {
          pause(attempt);
          continue;
        }
        if (isConnectionProblem(e)) {
          throw unavailable(e);
        }
        throw new IllegalStateException("ledger at " + settings.redactedUrl() + ": schema migration failed: "
            + settings.redact(oneLine(e)), mentionsPassword(e) ? null : e);
      }
    }
  }
}
