package io.hourglass.jobs.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.substring_index;

import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.Secrets;
import io.hourglass.common.config.Settings;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.io.TableReader;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.spark.SparkSessions;
import io.hourglass.jobs.generate.GeneratedHour;
import io.hourglass.jobs.ingest.IngestJob;
import io.hourglass.jobs.ingest.WebEventColumns;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hourglass demo}: a dirty sample hour through the real pipeline, on local files, explained. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Generate a dirty sample hour, ingest it with the real job, and show what came out and where.")
final class DemoCommand implements Callable<Integer> {
  static final Hour DEMO_HOUR = Hour.parse("2026-11-20T10");
  static final double DEMO_MAX_REJECT_RATE = 0.25;

  @ParentCommand
  Main main;

  @Mixin
  CommonOptions common;

  @Option(names = "--dir", defaultValue = "demo", description = "Folder for the demo's raw data and warehouse (default ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--records", defaultValue = "20000", description = "Records in the sample hour (default ${DEFAULT-VALUE}).")
  long records;

  @Option(names = "--format", defaultValue = "parquet", description = "Table format: parquet, avro or delta (default ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() throws IOException {
    PrintStream out = main.out();
    Path base = dir.toAbsolutePath().normalize();
    Path raw = base.resolve("raw");
    Path warehouse = base.resolve("warehouse");
    if (common.rawRoot != null || common.warehouse != null) {
      // Given a real raw root, the demo would add its dirty sample objects to a real hour's folder and replace it.
      throw new BadConfigException("demo writes only under --dir (its raw data, warehouse and ledger there) and takes no"
          + " --raw-root or --warehouse; 'generate' and 'ingest' take them");
    }
    for (String set : common.sets) {
      String key = set.substring(0, Math.max(0, set.indexOf('='))).trim().replaceFirst("^hourglass\\.", "");
      if (key.equals("raw-root") || key.equals("warehouse") || key.equals("state-dir")) {
        throw new BadConfigException("demo writes only under --dir (its raw data, warehouse and ledger there) and takes"
            + " no --set " + key + "; 'generate' and 'ingest' take it");
      }
    }
    requireDemoRaw(raw);
    common.sets.add(0, "hourglass.datasets.web_events.format=" + format);
    common.sets.add(0, "hourglass.state-dir=" + base.resolve("state"));
    // The sample hour is deliberately ~10% dirt; the production default (5%) would fail it, as it should.
    common.sets.add(0, "hourglass.datasets.web_events.max-reject-rate=" + DEMO_MAX_REJECT_RATE);
    common.rawRoot = raw.toString();
    common.warehouse = warehouse.toString();
    HourglassConfig config = common.load(Optional.of("web_events"));
    Settings settings = config.settings();
    DatasetSettings ds = config.dataset("web_events");
    IngestCommand.requireDelta(ds);
    deleteRecursively(raw);

    Map<String, String> env = new HashMap<>(main.env());
    if (ds.email() == io.hourglass.common.config.PiiMode.HASH && env.get(ds.hmacKeyEnv()) == null) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      env.put(ds.hmacKeyEnv(), HexFormat.of().formatHex(random));
      out.printf("note: %s is not set, so this demo hashes email with a random key of its own.%n", ds.hmacKeyEnv());
    }
    Optional<byte[]> key = Secrets.hmacKey(ds, env);

    out.printf("== 1. generate: a dirty sample hour (%d records, arrival hour %s)%n", records, DEMO_HOUR);
    GeneratedHour g = GenerateCommand.generate(io.hourglass.common.spark.HadoopConfs.from(settings.spark()), settings.rawRoot(), ds, DEMO_HOUR, records, 4, true, 0.0, 0.0, 7);
    out.printf("   %d lines in %d gzip files under %s/%s/%s/%n", g.lines(), g.files().size(), settings.rawRoot(),
        ds.stream(), DEMO_HOUR.folder());
    out.printf("   planted: %d duplicates, %d blank lines, rejects %s, %d late-but-in-window%n",
        g.duplicates(), g.blankLines(), g.rejectsByReason(), g.lateInWindow());

    out.printf("%n== 2. ingest: ./hourglass ingest --dataset web_events --hour %s --raw-root %s --warehouse %s"
        + " --set state-dir=%s --set datasets.web_events.max-reject-rate=%s%n", DEMO_HOUR, settings.rawRoot(), settings.warehouse(),
        settings.stateDir(), ds.maxRejectRate());
    SparkSession spark = SparkSessions.getOrCreate("hourglass demo", settings);
    IngestJob job = new IngestJob(spark, settings, ds, key, line -> main.err().println("[ingest] " + line));
    IngestJob.Result result;
    try (io.hourglass.common.ledger.JdbcRunLedger ledger = Ledgers.open(config, settings, main.env())) {
      result = new io.hourglass.jobs.ingest.RecordedIngest(ledger, java.time.Clock.systemUTC(), line -> { })
          .run(job, DEMO_HOUR, 0);
    }
    Summary.print(out, ds, job, result);
    if (!result.empty()) {
      ClassDataArchive.workDone(main.env());
    }

    out.printf("%n== 3. query the table: events by event hour (late events sit in their own event hour)%n");
    TableSchema table = TableSchema.load(ds.tableSchema());
    Dataset<Row> events = TableReader.read(spark, job.tableRoot(), ds.format(), table.sparkSchema())
        .where(col(WebEventColumns.INGEST_HOUR).equalTo(DEMO_HOUR.id()));
    print(out, events.groupBy(col("dt"), col("hour")).agg(count(lit(1)).as("events"),
            count(col("extra")).as("with_unknown_fields"))
        .orderBy(col("dt"), col("hour")).limit(12).collectAsList(), List.of("dt", "hour", "events", "with_unknown_fields"));

    out.printf("%n   a few rows (ip truncated, email replaced by its keyed hash):%n");
    print(out, events.orderBy(col("event_id"))
        .select(col("event_id"), col("event_time").cast("string"), col("event_type"), col("url_domain"), col("url_path"),
            col("ip"), substring(col("email_hmac"), 1, 16).as("email_hmac"))
        .limit(5).collectAsList(), List.of("event_id", "event_time", "event_type", "url_domain", "url_path", "ip", "email_hmac"));

    out.printf("%n== 4. quarantine: one example per reason (nothing is dropped silently)%n");
    Dataset<Row> quarantine = TableReader.read(spark, job.quarantineRoot(), TableFormat.PARQUET,
            TableSchema.load(io.hourglass.common.transform.Quarantine.SCHEMA).sparkSchema())
        .where(col(WebEventColumns.INGEST_HOUR).equalTo(DEMO_HOUR.id()));
    print(out, quarantine.groupBy(col("reason"))
        .agg(count(lit(1)).as("rows"), first(substring_index(col("source_file"), "/", -1)).as("example_file"),
            min(col("line_no")).as("first_line"), first(col("detail")).as("example_detail"))
        .orderBy(col("reason")).collectAsList(), List.of("reason", "rows", "example_file", "first_line", "example_detail"));

    out.printf("%nfiles: table %s, quarantine %s, manifest %s%n", job.tableRoot(), job.quarantineRoot(),
        result.manifestPath().orElse("-"));
    out.printf("run it again and the hour is replaced exactly: same rows, no duplicates.%n");
    return Main.OK;
  }

  private static void print(PrintStream out, List<Row> rows, List<String> header) {
    int[] width = header.stream().mapToInt(String::length).toArray();
    for (Row r : rows) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.min(60, Math.max(width[i], String.valueOf(r.get(i)).length()));
      }
    }
    StringBuilder fmt = new StringBuilder("   ");
    for (int w : width) {
      fmt.append("%-").append(w).append("s  ");
    }
    String f = fmt.toString().stripTrailing() + "%n";
    out.printf(f, header.toArray());
    for (Row r : rows) {
      Object[] cells = new Object[width.length];
      for (int i = 0; i < width.length; i++) {
        String s = String.valueOf(r.get(i));
        cells[i] = s.length() > 60 ? s.substring(0, 57) + "..." : s;
      }
      out.printf(f, cells);
    }
  }

  /**
   * Refuses a {@code --dir} whose {@code raw} folder holds anything but the demo hour's objects: the demo starts by
   * deleting that folder, and {@code --dir data} names where local runs keep their real raw data by default.
   */
  static void requireDemoRaw(Path raw) throws IOException {
    if (!Files.exists(raw)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(raw)) {
      Optional<Path> other = walk.filter(Files::isRegularFile)
          .filter(f -> !raw.relativize(f).toString().replace('\\', '/').matches("[^/]+/" + DEMO_HOUR.folder() + "/[^/]+"))
          .findFirst();
      if (other.isPresent()) {
        throw new BadConfigException("--dir " + raw.getParent() + ": " + other.get() + " is not a demo object, and the demo"
            + " deletes " + raw + " before it starts; give a new folder or the demo's own");
      }
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
