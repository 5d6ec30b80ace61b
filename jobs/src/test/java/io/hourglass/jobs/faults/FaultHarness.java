package io.hourglass.jobs.faults;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hourglass.common.config.Hour;
import io.hourglass.common.config.Locations;
import io.hourglass.common.io.ManifestStore;
import io.hourglass.common.io.RunManifest;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.LedgerSettings;
import io.hourglass.common.ledger.RunRow;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.jobs.cli.Main;
import io.hourglass.jobs.generate.GeneratedHour;
import io.hourglass.jobs.generate.WebEventsGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * What the fault tests share: the CLI in-process and in a child JVM, sample hours, and a reader's view
 * of one arrival hour (its manifest, and what storage really holds) to compare runs by.
 */
final class FaultHarness {
  static final Map<String, String> ENV = Map.of("HOURGLASS_HMAC_KEY", "fault-suite-hmac-key-0123456789abcdef");
  /** Lease of the runs under test: a killed driver blocks its hour this long. */
  static final Duration LEASE = Duration.ofSeconds(2);
  static final StructType EVENTS = TableSchema.load("web_events/events-v1.avsc").sparkSchema();
  static final StructType QUARANTINE = TableSchema.load("common/quarantine-v1.avsc").sparkSchema();

  private FaultHarness() {}

  // ---------------------------------------------------------------------------------------------- CLI

  /** What a command printed and returned. */
  record Run(int code, String out, String err) {
    /** The lines the command itself wrote as its verdict ({@code hourglass: ...}), not progress or logs. */
    List<String> verdict() {
      return err.lines().filter(l -> l.startsWith("hourglass:")).toList();
    }

    String all() {
      return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err;
    }
  }

  /** The settings every run under test takes: local paths or URIs, its own ledger, a short lease, dirt allowed. */
  static List<String> options(String raw, String warehouse, Path state, String... extra) {
    List<String> a = new ArrayList<>(List.of("--raw-root", raw, "--warehouse", warehouse,
        "--set", "state-dir=" + state, "--set", "ledger.lease=" + LEASE.toSeconds() + "s",
        "--set", "datasets.web_events.max-reject-rate=0.5"));
    a.addAll(Arrays.asList(extra));
    return a;
  }

  static List<String> ingest(Hour hour, List<String> options) {
    List<String> a = new ArrayList<>(List.of("ingest", "--dataset", "web_events", "--hour", hour.toString()));
    a.addAll(options);
    return a;
  }

  static List<String> backfill(Hour from, Hour to, int parallelism, List<String> options) {
    List<String> a = new ArrayList<>(List.of("backfill", "ingest", "--dataset", "web_events", "--from", from.toString(),
        "--to", to.toString(), "--parallelism", String.valueOf(parallelism)));
    a.addAll(options);
    return a;
  }

  /** Runs the CLI in this JVM, on the test SparkSession. */
  static Run cli(List<String> args) {
    return cli(ENV, args);
  }

  /** Runs the CLI in this JVM, on the test SparkSession, with {@code env} as its environment. */
  static Run cli(Map<String, String> env, List<String> args) {
    SparkTestSession.get();
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--set", "spark.shuffle-partitions=2")); // as the test session has it
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Main(env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute(all.toArray(String[]::new));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs the CLI in this JVM, again while it is refused (exit 3) because a dead run's lease has not run out yet. */
  static Run cliOnceTheLeaseIsFree(List<String> args) {
    Instant deadline = Instant.now().plus(LEASE.multipliedBy(6));
    Run r = cli(args);
    while (r.code() == Main.ALREADY_RUNNING && Instant.now().isBefore(deadline)) {
      sleep(Duration.ofMillis(300));
      r = cli(args);
    }
    return r;
  }

  /** The CLI in a child JVM on {@code local[1]}: the java.class.path of this JVM and the opens Spark needs. */
  static final class Child implements AutoCloseable {
    private final Process process;
    private final Path log;

    private Child(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    static Child start(Path log, List<String> jvmOptions, List<String> args) {
      List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
      Arrays.stream(System.getProperty("surefire.argLine.opens", "").split(" ")).filter(s -> !s.isBlank()).forEach(cmd::add);
      // A short-lived driver: the C1 compiler alone and the serial collector start Spark in about half the CPU time.
      cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx1g"));
      cmd.addAll(jvmOptions);
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
      cmd.addAll(args);
      cmd.addAll(List.of("--set", "spark.master=local[1]", "--set", "spark.shuffle-partitions=1"));
      try {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(ENV);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return new Child(pb.start(), log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The exit status; the child is killed and the test fails if it does not end within {@code timeout}. */
    int await(Duration timeout) {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          process.waitFor(30, TimeUnit.SECONDS);
          fail("the child did not end within " + timeout + "; its log:\n" + log());
        }
        return process.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IllegalStateException(e);
      }
    }

    boolean isAlive() {
      return process.isAlive();
    }

    /** SIGKILL, as a lost node or an OOM killer would. */
    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    String log() {
      try {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "(log unreadable: " + e + ")";
      }
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        kill();
      }
    }
  }

  // --------------------------------------------------------------------------------------------- data

  /** A dirty sample hour (every kind of bad record, late events in earlier event hours) in the Firehose layout. */
  static GeneratedHour generate(Configuration conf, String rawRoot, Hour hour, int records, int files, long seed) {
    try {
      return new WebEventsGenerator(conf).generate(hour.start(), rawRoot, "web-events", records, files, true, seed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static GeneratedHour generate(String rawRoot, Hour hour, int records, long seed) {
    return generate(new Configuration(), rawRoot, hour, records, 2, seed);
  }

  // ---------------------------------------------------------------------------------- a reader's view

  /**
   * The rows of one table's slice of an hour as storage holds them.
   *
   * @param directories rows per owned directory (relative to the table root), empty directories included
   * @param sorted every row as JSON, sorted: equal lists mean equal contents
   */
  record Rows(Map<String, Long> directories, List<String> sorted, long distinctEventIds) {
    long count() {
      return sorted.size();
    }

    String digest() {
      return sha256(String.join("\n", sorted).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** An arrival hour as a reader finds it: the manifest (if any), the table's rows and the quarantine's. */
  record HourView(Hour hour, Optional<RunManifest> manifest, Rows table, Rows quarantine) {
    RunManifest requireManifest() {
      return manifest.orElseThrow(() -> new AssertionError("no manifest for " + hour));
    }

    String describe() {
      return manifest.map(m -> "manifest of run " + m.runId() + " " + m.records()).orElse("no manifest")
          + "; table " + table.count() + " rows in " + table.directories() + "; quarantine " + quarantine.count() + " rows";
    }
  }

  static String tableRoot(String warehouse) {
    return Locations.join(warehouse, "events");
  }

  static String quarantineRoot(String warehouse) {
    return Locations.join(warehouse, "_quarantine", "web_events");
  }

  static HourView view(String warehouse, Hour hour) {
    SparkSession spark = SparkTestSession.get();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Optional<RunManifest> manifest = new ManifestStore(conf).read(tableRoot(warehouse), hour);
    Rows table = rows(spark, tableRoot(warehouse), EVENTS, hour, "*/*/ingest_hour=" + hour.id());
    Rows quarantine = rows(spark, quarantineRoot(warehouse), QUARANTINE, hour, "ingest_hour=" + hour.id());
    return new HourView(hour, manifest, table, quarantine);
  }

  private static Rows rows(SparkSession spark, String root, StructType schema, Hour hour, String ownedGlob) {
    try {
      org.apache.hadoop.fs.Path rootPath = new org.apache.hadoop.fs.Path(root);
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      String rootDir = fs.makeQualified(rootPath).toUri().getPath().replaceAll("/+$", "") + "/";
      Map<String, Long> directories = new TreeMap<>();
      FileStatus[] owned = fs.globStatus(new org.apache.hadoop.fs.Path(rootPath, ownedGlob));
      for (FileStatus d : owned == null ? new FileStatus[0] : owned) {
        if (d.isDirectory()) {
          directories.put(relative(rootDir, d.getPath().toUri().getPath()), 0L);
        }
      }
      if (directories.isEmpty()) {
        return new Rows(directories, List.of(), 0);
      }
      Column[] columns = Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
      var slice = spark.read().schema(schema).parquet(root).where(col("ingest_hour").equalTo(hour.id()));
      List<String> sorted = new ArrayList<>();
      for (Row r : slice.select(to_json(struct(columns)), input_file_name()).collectAsList()) {
        sorted.add(r.getString(0));
        String dir = new org.apache.hadoop.fs.Path(r.getString(1)).getParent().toUri().getPath();
        directories.merge(relative(rootDir, dir), 1L, Long::sum);
      }
      sorted.sort(null);
      long distinct = Arrays.asList(schema.fieldNames()).contains("event_id")
          ? slice.select("event_id").distinct().count() : 0;
      return new Rows(directories, sorted, distinct);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every row of a table (all hours), as JSON, sorted; empty when the table does not exist. */
  static Rows allRows(String root, StructType schema) {
    SparkSession spark = SparkTestSession.get();
    try {
      org.apache.hadoop.fs.Path rootPath = new org.apache.hadoop.fs.Path(root);
      if (!rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(rootPath)) {
        return new Rows(Map.of(), List.of(), 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Column[] columns = Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    var all = spark.read().schema(schema).parquet(root);
    List<String> sorted = new ArrayList<>();
    for (Row r : all.select(to_json(struct(columns))).collectAsList()) {
      sorted.add(r.getString(0));
    }
    sorted.sort(null);
    long distinct = Arrays.asList(schema.fieldNames()).contains("event_id")
        ? all.select("ingest_hour", "event_id").distinct().count() : 0;
    return new Rows(Map.of(), sorted, distinct);
  }

  private static String relative(String rootDir, String path) {
    if (!path.startsWith(rootDir)) {
      throw new IllegalStateException(path + " is not under " + rootDir);
    }
    return path.substring(rootDir.length()).replaceAll("/+$", "");
  }

  // ------------------------------------------------------------------------------------------ verdicts

  /**
   * A reader that trusts the manifest never sees a partial hour: the manifest is absent (the hour reads as
   * not there yet), or it describes exactly what storage holds, table and quarantine, and that is exactly the
   * output of one whole run, {@code previous} (the run the manifest names) or a clean run of the new input.
   *
   * @param previous the hour as the last successful run left it, or null if there was none
   * @return what the reader found, for messages
   */
  static String assertNoPartialHourVisible(HourView found, HourView previous, HourView clean, String when) {
    if (found.manifest().isEmpty()) {
      return "no manifest";
    }
    RunManifest m = found.manifest().get();
    boolean isPrevious = previous != null && previous.manifest().isPresent() && m.runId().equals(previous.requireManifest().runId());
    HourView whole = isPrevious ? previous : clean;
    String which = isPrevious ? "the previous run's manifest" : "a new manifest";
    String context = when + ": " + which + " (" + m.runId() + ") is visible; found " + found.describe();
    assertTrue(m.records().balanced(), context);
    assertEquals(whole.requireManifest().records(), m.records(), context + ": its accounts");
    assertEquals(m.output().directories(), found.table().directories(), context + ": the manifest's table directories vs storage");
    assertEquals(m.output().quarantineDirectories(), found.quarantine().directories(),
        context + ": the manifest's quarantine directories vs storage");
    assertSameRows(whole.table(), found.table(), context + ": table rows");
    assertSameRows(whole.quarantine(), found.quarantine(), context + ": quarantine rows");
    return which;
  }

  /** The hour is exactly what a clean run of the same input gives: rows, quarantine, accounts, directories. */
  static void assertLikeCleanRun(HourView found, HourView clean, String when) {
    String context = when + ": found " + found.describe() + "; a clean run gives " + clean.describe();
    RunManifest m = found.manifest().orElseThrow(() -> new AssertionError(context + ": no manifest"));
    RunManifest c = clean.requireManifest();
    assertTrue(m.records().balanced(), context + ": accounts balance");
    assertEquals(c.records(), m.records(), context + ": accounts");
    assertEquals(c.quarantinedByReason(), m.quarantinedByReason(), context + ": rejects by reason");
    assertEquals(c.output().directories(), m.output().directories(), context + ": the manifest's directories");
    assertEquals(m.output().directories(), found.table().directories(), context + ": the manifest's table directories vs storage");
    assertEquals(m.output().quarantineDirectories(), found.quarantine().directories(), context + ": quarantine directories");
    assertSameRows(clean.table(), found.table(), context + ": table rows");
    assertSameRows(clean.quarantine(), found.quarantine(), context + ": quarantine rows");
    assertEquals(found.table().count(), found.table().distinctEventIds(), context + ": no event_id twice");
  }

  static void assertSameRows(Rows expected, Rows actual, String context) {
    if (expected.sorted().equals(actual.sorted())) {
      return;
    }
    TreeSet<String> missing = new TreeSet<>(expected.sorted());
    actual.sorted().forEach(missing::remove);
    TreeSet<String> extra = new TreeSet<>(actual.sorted());
    expected.sorted().forEach(extra::remove);
    fail(String.format("%s differ: expected %d rows (%s), found %d (%s); %d missing, e.g. %s; %d unexpected, e.g. %s",
        context, expected.count(), expected.digest().substring(0, 12), actual.count(), actual.digest().substring(0, 12),
        missing.size(), missing.stream().limit(2).toList(), extra.size(), extra.stream().limit(2).toList()));
  }

  /** Every file of a local tree whose relative path passes {@code which}, with the SHA-256 of its bytes. */
  static Map<String, String> files(Path root, Predicate<String> which) {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root)) {
      return out;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String rel = root.relativize(p).toString();
        if (which.test(rel)) {
          out.put(rel, sha256(Files.readAllBytes(p)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Files left under a table's {@code _staging} folder (a run's debris). */
  static List<String> stagingLeftovers(Path tableRoot) {
    return new ArrayList<>(files(tableRoot.resolve("_staging"), rel -> true).keySet());
  }

  static void copyTree(Path from, Path to) {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------------------------- ledger

  static JdbcRunLedger ledger(Path state) {
    return JdbcRunLedger.open(LedgerSettings.embedded(state, LEASE));
  }

  static List<RunRow> runsOf(Path state, Hour hour) {
    try (JdbcRunLedger ledger = ledger(state)) {
      return ledger.history("ingest", "web_events", hour.start(), hour.end());
    }
  }

  // -------------------------------------------------------------------------------------------- misc

  /** Prints how long a step of a test took (these tests are slow; the log says where the time goes). */
  static final class Clock {
    private final String test;
    private long last = System.nanoTime();

    Clock(String test) {
      this.test = test;
    }

    void lap(String step) {
      long now = System.nanoTime();
      System.err.printf("[faults] %s: %s took %.1f s%n", test, step, (now - last) / 1e9);
      last = now;
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls {@code condition} every {@code every} until it holds or {@code timeout} passes; whether it held. */
  static boolean await(Supplier<Boolean> condition, Duration timeout, Duration every) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (condition.get()) {
        return true;
      }
      sleep(every);
    }
    return condition.get();
  }
}
