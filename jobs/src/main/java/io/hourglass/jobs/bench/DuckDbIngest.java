package io.hourglass.jobs.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Engine (c) of the ingest benchmark ({@code bench/ingest-bench.sh}): DuckDB, through its JDBC driver,
 * turns the hour's gzipped JSON lines into Parquet partitioned by event date and hour, in one
 * {@code COPY (SELECT ... FROM read_json(...)) TO ... (FORMAT PARQUET, PARTITION_BY (dt, hour))}.
 * Not part of the job: the driver is only on the classpath under the {@code bench} Maven profile, and
 * this class reaches it through {@link DriverManager} so that nothing compiles against it.
 *
 * <p>Usage: {@code DuckDbIngest --input GLOB --output DIR [--threads 2] [--ignore-errors]}. Prints
 * {@code bench-result key=value ...} for the harness.
 */
public final class DuckDbIngest {
  /**
   * The raw fields with the types the table wants. {@code event_time} stays text: it is ISO-8601 or
   * epoch millis, and DuckDB hands a JSON number to a VARCHAR column as its text.
   */
  static final String COLUMNS = "{event_id: 'VARCHAR', event_type: 'VARCHAR', event_time: 'VARCHAR', site_id: 'INTEGER',"
      + " user_id: 'VARCHAR', session_id: 'VARCHAR', url: 'VARCHAR', referrer: 'VARCHAR', user_agent: 'VARCHAR',"
      + " ip: 'VARCHAR', country: 'VARCHAR', device: 'VARCHAR', email: 'VARCHAR', props: 'MAP(VARCHAR, VARCHAR)'}";

  private DuckDbIngest() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchArgs.parse(args, "--input", "--output", "--threads", "--ignore-errors");
    String input = BenchArgs.required(opts, "--input");
    String output = BenchArgs.required(opts, "--output");
    int threads = Integer.parseInt(opts.getOrDefault("--threads", "2"));
    boolean ignoreErrors = opts.containsKey("--ignore-errors");

    long t0 = System.nanoTime();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
         Statement st = db.createStatement()) {
      st.execute("SET threads = " + threads);
      // Partition values must not depend on the machine's zone, as in the job (spark.sql.session.timeZone = UTC).
      st.execute("SET TimeZone = 'UTC'");
      String version = scalar(st, "SELECT version()");
      long connectMs = ms(t0);
      System.out.printf("duckdb %s, threads %d, memory_limit %s%n", version, threads,
          scalar(st, "SELECT current_setting('memory_limit')"));

      long t1 = System.nanoTime();
      long rows;
      st.execute(copySql(input, output, ignoreErrors));
      rows = st.getLargeUpdateCount(); // COPY reports the rows it wrote
      long copyMs = ms(t1);
      System.out.printf("bench-result engine=duckdb version=%s startup_ms=%d work_ms=%d rows=%d%n", version, connectMs, copyMs, rows);
    }
  }

  /** The whole job as one statement. */
  static String copySql(String input, String output, boolean ignoreErrors) {
    // As the job reads event_time: digits are epoch millis, anything else ISO-8601 with or without offset.
    String eventTime = "CASE WHEN regexp_full_match(event_time, '-?[0-9]{1,15}')"
        + " THEN epoch_ms(CAST(event_time AS BIGINT))"
        + " ELSE CAST(CAST(event_time AS TIMESTAMPTZ) AS TIMESTAMP) END";
    return "COPY (SELECT *, strftime(event_time, '%Y-%m-%d') AS dt, hour(event_time) AS hour"
        + " FROM (SELECT * REPLACE (" + eventTime + " AS event_time)"
        + " FROM read_json(" + quote(input) + ", format = 'newline_delimited', compression = 'gzip',"
        + " columns = " + COLUMNS + (ignoreErrors ? ", ignore_errors = true" : "") + ")))"
        + " TO " + quote(output) + " (FORMAT PARQUET, PARTITION_BY (dt, hour))";
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static String scalar(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : "";
    }
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
