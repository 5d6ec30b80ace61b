package io.hourglass.jobs.catalog;

import static io.hourglass.common.testing.DataFrameAssert.assertSmallDatasetEquality;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.io.HiveCatalog.Partition;
import io.hourglass.common.io.TableCatalog;
import io.hourglass.common.io.TableReader;
import io.hourglass.common.schema.Ddl;
import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.jobs.cli.Main;
import io.hourglass.jobs.generate.WebEventsGenerator;
import io.hourglass.jobs.ingest.IngestJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tables and partitions in a real (embedded Derby) Hive metastore, queried through the catalog. */
class CatalogTest {
  private static final AtomicInteger DB = new AtomicInteger();
  private static final Hour H = Hour.parse("2026-11-20T10");
  private static final byte[] KEY = "catalog-test-hmac-key-0123456789".getBytes(StandardCharsets.UTF_8);
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path dir;

  private String database;

  private IngestJob job(TableFormat format) {
    database = "hg_cat_" + DB.incrementAndGet();
    HourglassConfig c = HourglassConfig.load(Optional.of("web_events"), Optional.empty(), List.of(
        "raw-root=" + dir.resolve("raw"), "warehouse=" + dir.resolve("wh"), "catalog.enabled=true",
        "catalog.database=" + database, "datasets.web_events.format=" + format.sparkFormat(),
        "datasets.web_events.max-reject-rate=0.5"));
    return new IngestJob(spark, c.settings(), c.dataset("web_events"), Optional.of(KEY), line -> { });
  }

  private IngestJob sameDatabase(TableFormat format, String warehouse) {
    HourglassConfig c = HourglassConfig.load(Optional.of("web_events"), Optional.empty(), List.of(
        "raw-root=" + dir.resolve("raw"), "warehouse=" + dir.resolve(warehouse), "catalog.enabled=true",
        "catalog.database=" + database, "datasets.web_events.format=" + format.sparkFormat(),
        "datasets.web_events.max-reject-rate=0.5"));
    return new IngestJob(spark, c.settings(), c.dataset("web_events"), Optional.of(KEY), line -> { });
  }

  @Test
  void aCatalogTableOfAnotherFormatOrPlaceIsRefusedAndTheSamePlaceSpeltOtherwiseIsNot() throws IOException {
    generate(H, 1);
    generate(H.plusHours(1), 2);
    job(TableFormat.PARQUET).run(H);
    BadConfigException format = assertThrows(BadConfigException.class,
        () -> sameDatabase(TableFormat.AVRO, "wh").requireCatalogMatches());
    assertTrue(format.getMessage().startsWith("the catalog table " + database + ".events is parquet at "), format.getMessage());
    assertTrue(format.getMessage().contains("but the dataset writes avro at "), format.getMessage());
    BadConfigException place = assertThrows(BadConfigException.class,
        () -> sameDatabase(TableFormat.PARQUET, "wh2").requireCatalogMatches());
    assertTrue(place.getMessage().contains("but the dataset writes parquet at file://" + dir.resolve("wh2")), place.getMessage());
    sameDatabase(TableFormat.PARQUET, "wh").requireCatalogMatches(); // the table's own: no refusal
    BadConfigException sync = assertThrows(BadConfigException.class,
        () -> new TableCatalog(spark, database).sync(sameDatabase(TableFormat.AVRO, "wh").tableDef(), true));
    assertTrue(sync.getMessage().contains("is parquet at"), "a dry-run sync says so too: " + sync.getMessage());
    job(TableFormat.PARQUET); // a fresh database for what follows
    // A warehouse with a space: the catalog keeps %20 in its URI, the dataset a space; the same place.
    IngestJob spaced = sameDatabase(TableFormat.PARQUET, "w h");
    spaced.run(H);
    spaced.requireCatalogMatches();
    spaced.run(H.plusHours(1));
    // A Delta table made by Athena's DDL (table_type = DELTA over a Parquet storage) is a Delta table.
    spark.sql("CREATE EXTERNAL TABLE " + database + ".athena_delta (x INT) STORED AS PARQUET LOCATION '"
        + dir.resolve("d").toUri() + "' TBLPROPERTIES ('table_type'='DELTA')");
    assertEquals("delta", new io.hourglass.common.io.HiveCatalog(spark, database).describe("athena_delta").orElseThrow().format());
    assertTrue(TableCatalog.sameLocation("s3a://b/wh/events", "s3://b/wh/events/"));
    assertTrue(TableCatalog.sameLocation("file:/tmp/x", "file:///tmp/x"));
    assertFalse(TableCatalog.sameLocation("s3a://b/wh/events", "s3a://b/wh2/events"));
  }

  private void generate(Hour hour, long seed) throws IOException {
    new WebEventsGenerator(new Configuration()).generate(hour.start(), dir.resolve("raw").toString(), "web-events", 600, 2, true, seed);
  }

  @ParameterizedTest
  @EnumSource(value = TableFormat.class, names = {"PARQUET", "AVRO"})
  void runsRegisterTheirPartitionsAndTheTableReadsThroughTheCatalog(TableFormat format) throws IOException {
    generate(H, 1);
    generate(H.plusHours(1), 2);
    IngestJob job = job(format);
    long written = job.run(H).manifest().orElseThrow().records().written();
    job.run(H.plusHours(1));

    TableCatalog catalog = new TableCatalog(spark, database);
    List<Partition> partitions = catalog.partitions("events");
    assertTrue(partitions.stream().anyMatch(p -> p.directory().equals("dt=2026-11-20/hour=10/ingest_hour=2026112010")));
    assertTrue(partitions.stream().allMatch(p -> Files.isDirectory(Path.of(java.net.URI.create(
        p.location().startsWith("file:///") ? p.location() : p.location().replaceFirst("^file:", "file://"))))),
        partitions.toString());

    // Read through the catalog (the Hive DDL that `hourglass ddl --dialect hive` prints made the table)
    Dataset<Row> viaCatalog = spark.table(database + ".events").where(col("ingest_hour").equalTo(H.id()));
    assertEquals(written, viaCatalog.count());
    Dataset<Row> direct = TableReader.read(spark, job.tableRoot(), format, job.tableDef().schema().sparkSchema())
        .where(col("ingest_hour").equalTo(H.id()));
    // Avro through Spark's built-in Hive 2.3: its AvroSerDe has no timestamp logical types and reads
    // event_time as a number (README, "Catalog"); Athena and Spark's own reader get timestamps.
    String[] cols = format == TableFormat.AVRO
        ? new String[] {"event_id", "site_id", "url_domain", "ip", "email_hmac", "extra", "dt", "hour", "ingest_hour"}
        : new String[] {"event_id", "event_time", "site_id", "url_domain", "ip", "email_hmac", "extra", "dt", "hour", "ingest_hour"};
    assertSmallDatasetEquality(direct.selectExpr(cols).limit(Integer.MAX_VALUE), viaCatalog.selectExpr(cols));

    // A re-run adds nothing twice.
    int before = catalog.partitions("events").size();
    TableCatalog.Plan again = catalog.registerOwner(job.tableDef(), H.id());
    assertTrue(again.isEmpty(), again.toString());
    job.run(H);
    assertEquals(before, catalog.partitions("events").size());
  }

  @Test
  void aCatalogThatRefusesTheHoursPartitionsFailsTheRunSayingItsDataIsPublished() throws IOException {
    generate(H, 5);
    IngestJob job = job(TableFormat.PARQUET);
    // A table of that name, format and place that is not the dataset's (not partitioned): the metastore refuses the
    // hour's partitions (AnalysisException) after the hour is published.
    spark.sql("CREATE DATABASE IF NOT EXISTS " + database);
    spark.sql("CREATE TABLE " + database + ".events (x INT) USING parquet LOCATION '" + job.tableRoot() + "'");
    io.hourglass.common.RunFailedException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.hourglass.common.RunFailedException.class, () -> job.run(H));
    assertTrue(e.getMessage().startsWith("the hour's data and manifest are published, but registering its partitions in the"
        + " catalog failed: "), e.getMessage());
    assertTrue(e.getMessage().endsWith("; run 'hourglass catalog sync --dataset web_events'"), e.getMessage());
    assertTrue(new io.hourglass.common.io.ManifestStore(new Configuration()).read(job.tableRoot(), H).isPresent());
  }

  @Test
  void aReRunThatNoLongerProducesALateHourDropsItsPartition() throws IOException {
    generate(H, 3);
    IngestJob job = job(TableFormat.PARQUET);
    job.run(H);
    TableCatalog catalog = new TableCatalog(spark, database);
    assertTrue(catalog.partitions("events").size() > 1, "late hours registered");
    generate(H.plusHours(1), 4);
    job.run(H.plusHours(1));
    List<Partition> ofH = catalog.partitions("events", "ingest_hour", "2026112010");
    assertFalse(ofH.isEmpty());
    assertTrue(ofH.stream().allMatch(p -> p.directory().endsWith("/ingest_hour=2026112010")), "only H's: " + ofH);
    assertEquals(catalog.partitions("events").stream().filter(p -> p.directory().endsWith("/ingest_hour=2026112010")).count(),
        ofH.size(), "all of H's");

    Path folder = dir.resolve("raw/web-events").resolve(H.folder());
    try (var files = Files.list(folder)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(folder.resolve("only.gz")))) {
      out.write("{\"event_id\":\"a\",\"event_type\":\"x\",\"event_time\":\"2026-11-20T10:00:00Z\",\"site_id\":1}\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    job.run(H);
    assertEquals(List.of("dt=2026-11-20/hour=10/ingest_hour=2026112010"),
        catalog.partitions("events", "ingest_hour", "2026112010").stream().map(Partition::directory).toList());
    assertTrue(catalog.partitions("events").stream().anyMatch(p -> p.directory().endsWith("/ingest_hour=2026112011")),
        "the next hour's partitions untouched");
  }

  @Test
  void catalogSyncFindsMissingExtraAndMovedPartitionsAndFixesThem() throws IOException {
    generate(H, 4);
    IngestJob job = job(TableFormat.PARQUET);
    job.run(H);
    String table = database + ".events";
    List<Partition> good = new TableCatalog(spark, database).partitions("events");
    Partition victim = good.get(0);
    Partition moved = good.get(1);
    spark.sql("ALTER TABLE " + table + " DROP PARTITION (dt='" + victim.spec().get("dt") + "', hour=" + victim.spec().get("hour")
        + ", ingest_hour='" + H.id() + "')");
    spark.sql("ALTER TABLE " + table + " ADD PARTITION (dt='1999-01-01', hour=0, ingest_hour='1999010100') LOCATION '"
        + dir.resolve("nowhere").toUri() + "'");
    spark.sql("ALTER TABLE " + table + " PARTITION (dt='" + moved.spec().get("dt") + "', hour=" + moved.spec().get("hour")
        + ", ingest_hour='" + H.id() + "') SET LOCATION '" + dir.resolve("elsewhere").toUri() + "'");

    String dry = cli("catalog", "sync", "--dataset", "web_events", "--dry-run");
    assertTrue(dry.contains("1 missing, 1 extra, 1 with a wrong location"), dry);
    assertTrue(dry.contains("would add  " + victim.directory()), dry);
    assertTrue(dry.contains("would drop dt=1999-01-01/hour=0/ingest_hour=1999010100"), dry);
    assertTrue(dry.contains("would move " + moved.directory()), dry);
    assertEquals(good.size(), new TableCatalog(spark, database).partitions("events").size(), "dry run changed nothing");

    String fixed = cli("catalog", "sync", "--dataset", "web_events");
    assertTrue(fixed.contains("1 missing, 1 extra, 1 with a wrong location"), fixed);
    String after = cli("catalog", "sync", "--dataset", "web_events", "--dry-run");
    assertTrue(after.contains("0 missing, 0 extra, 0 with a wrong location"), after);
    assertEquals(job.run(H).manifest().orElseThrow().records().written(),
        spark.table(table).where(col("ingest_hour").equalTo(H.id())).count());
  }

  private String cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--raw-root", dir.resolve("raw").toString(), "--warehouse", dir.resolve("wh").toString(),
        "--set", "catalog.database=" + database));
    int code = new Main(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute(all.toArray(String[]::new));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theGeneratedHiveDdlRunsAgainstTheMetastore() throws IOException {
    generate(H, 5);
    IngestJob job = job(TableFormat.PARQUET);
    long written = job.run(H).manifest().orElseThrow().records().written();
    String other = database + "_ddl";
    spark.sql("CREATE DATABASE " + other);
    String ddl = Ddl.createTable(Ddl.Dialect.HIVE, new Ddl.Table(other, "events_copy", job.tableDef().schema(),
        job.tableDef().partitionColumns(), TableFormat.PARQUET, job.tableRoot()), Ddl.Options.NONE);
    spark.sql(ddl.strip().replaceAll(";$", ""));
    spark.sql("MSCK REPAIR TABLE " + other + ".events_copy");
    assertEquals(written, spark.table(other + ".events_copy").where(col("ingest_hour").equalTo(H.id())).count());
  }
}
