package io.hourglass.jobs.s3;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.config.TableWriter;
import io.hourglass.common.io.HourDiscovery;
import io.hourglass.common.io.HourInput;
import io.hourglass.common.io.RunManifest;
import io.hourglass.common.io.TableReader;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.testing.S3Bucket;
import io.hourglass.common.testing.S3ProxyServer;
import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.jobs.generate.GeneratedHour;
import io.hourglass.jobs.generate.WebEventsGenerator;
import io.hourglass.jobs.ingest.IngestJob;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ingest job against a real S3-compatible server over S3A: raw objects and tables on s3a://,
 * written directly or through the S3A committers, hours replaced exactly, discovery listing one prefix only.
 */
class S3IngestTest {
  private static final String BUCKET = "hourglass-test";
  private static final byte[] KEY = "s3-test-hmac-key-32-bytes-long!!".getBytes(StandardCharsets.UTF_8);
  @RegisterExtension
  static final S3Bucket S3 = new S3Bucket(BUCKET);
  private static SparkSession spark;
  private static Configuration conf;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.get();
    conf = S3.conf();
  }

  private static String uri(String prefix) {
    return S3.uri(prefix);
  }

  private static IngestJob job(String root, TableFormat format) {
    return job(root, format, TableWriter.DIRECT);
  }

  private static IngestJob job(String root, TableFormat format, TableWriter writer) {
    HourglassConfig c = HourglassConfig.load(Optional.of("web_events"), Optional.empty(), List.of(
        "raw-root=" + uri(root + "/raw"), "warehouse=" + uri(root + "/warehouse"),
        "datasets.web_events.format=" + format.sparkFormat(), "datasets.web_events.max-reject-rate=0.5",
        "datasets.web_events.writer=" + writer.name().toLowerCase(java.util.Locale.ROOT)));
    DatasetSettings ds = c.dataset("web_events");
    return new IngestJob(spark, c.settings(), ds, Optional.of(KEY), line -> { });
  }

  private static Dataset<Row> table(IngestJob job, TableFormat format, Hour hour) {
    return TableReader.read(spark, job.tableRoot(), format,
            TableSchema.load("web_events/events-v1.avsc").sparkSchema())
        .where(col("ingest_hour").equalTo(hour.id()));
  }

  private static long counter(FileSystem fs, String name) {
    IOStatistics stats = IOStatisticsSupport.retrieveIOStatistics(fs);
    Long v = stats.counters().get(name);
    return v == null ? 0 : v;
  }

  /**
   * Both writers: the direct one (the default, on a clean hour, which takes the single pass) and Spark's through
   * the S3A magic committer (on a dirty hour: it has duplicates, so it is staged twice, the second time without them).
   */
  @ParameterizedTest
  @EnumSource(TableWriter.class)
  void ingestOnS3WritesThroughEitherWriterAndReplacesTheHourExactly(TableWriter writer) throws IOException {
    Hour h = Hour.parse("2026-11-20T10");
    String root = "a-" + writer.name().toLowerCase(java.util.Locale.ROOT);
    GeneratedHour g = new WebEventsGenerator(conf).generate(h.start(), uri(root + "/raw"), "web-events", 1500, 2,
        writer == TableWriter.SPARK, 21);
    IngestJob job = job(root, TableFormat.PARQUET, writer);

    RunManifest first = job.run(h).manifest().orElseThrow();

    assertTrue(first.records().balanced(), first.records().toString());
    assertEquals(g.validRecords(), first.records().written());
    assertEquals(writer == TableWriter.DIRECT ? "direct" : "magic", first.output().committer(),
        "the writer named in the JSON _SUCCESS (the S3A magic committer's for Spark's writer)");
    assertEquals(g.validRecords(), table(job, TableFormat.PARQUET, h).count());
    List<Row> rows = table(job, TableFormat.PARQUET, h).orderBy("event_id").collectAsList();

    // Re-run with the same input: same rows, no duplicates.
    RunManifest again = job.run(h).manifest().orElseThrow();
    assertEquals(first.records(), again.records());
    assertEquals(rows, table(job, TableFormat.PARQUET, h).orderBy("event_id").collectAsList());

    // Re-run after the raw hour changed so that no late events remain: the late directories go.
    FileSystem fs = new Path(uri(root)).getFileSystem(conf);
    fs.delete(new Path(uri(root + "/raw/web-events/" + h.folder())), true);
    try (OutputStream out = new GZIPOutputStream(fs.create(new Path(uri(root + "/raw/web-events/" + h.folder() + "/fixed.gz"))))) {
      out.write("{\"event_id\":\"x\",\"event_type\":\"click\",\"event_time\":\"2026-11-20T10:01:00Z\",\"site_id\":3}\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    RunManifest third = job.run(h).manifest().orElseThrow();
    assertEquals(Map.of("dt=2026-11-20/hour=10/ingest_hour=" + h.id(), 1L), third.output().directories());
    assertFalse(fs.exists(new Path(job.tableRoot() + "/dt=2026-11-20/hour=9/ingest_hour=" + h.id())));
    assertFalse(fs.exists(new Path(job.tableRoot() + "/_staging")) && fs.listStatus(new Path(job.tableRoot() + "/_staging")).length > 0,
        "no staging left behind");
  }

  @Test
  void deltaAndAvroWorkOnS3Too() throws IOException {
    Hour h = Hour.parse("2026-11-20T12");
    GeneratedHour g = new WebEventsGenerator(conf).generate(h.start(), uri("b/raw"), "web-events", 600, 1, false, 5);
    for (TableFormat format : List.of(TableFormat.AVRO, TableFormat.DELTA)) {
      // same raw root for both formats, separate warehouses
      HourglassConfig c = HourglassConfig.load(Optional.of("web_events"), Optional.empty(), List.of(
          "raw-root=" + uri("b/raw"), "warehouse=" + uri("b-" + format.sparkFormat() + "/warehouse"),
          "datasets.web_events.format=" + format.sparkFormat()));
      IngestJob job = new IngestJob(spark, c.settings(), c.dataset("web_events"), Optional.of(KEY), line -> { });
      job.run(h);
      RunManifest m = job.run(h).manifest().orElseThrow();
      assertEquals(g.validRecords(), m.records().written(), format.toString());
      assertEquals(g.validRecords(), table(job, format, h).count(), format.toString());
    }
  }

  @Test
  void credentialsNeverAppearInLogsOrOutputs() throws IOException {
    org.apache.logging.log4j.core.LoggerContext ctx =
        (org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
    java.io.StringWriter captured = new java.io.StringWriter();
    org.apache.logging.log4j.core.appender.WriterAppender appender = org.apache.logging.log4j.core.appender.WriterAppender
        .createAppender(org.apache.logging.log4j.core.layout.PatternLayout.createDefaultLayout(), null, captured, "capture", false, true);
    appender.start();
    ctx.getConfiguration().addAppender(appender);
    ctx.getRootLogger().addAppender(appender);
    org.apache.logging.log4j.Level previous = ctx.getRootLogger().getLevel();
    // Everything, including the S3A client and the AWS SDK at DEBUG, goes to the capture.
    org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.DEBUG);
    List<String> progress = new ArrayList<>();
    try {
      Hour h = Hour.parse("2026-11-20T15");
      new WebEventsGenerator(conf).generate(h.start(), uri("e/raw"), "web-events", 200, 1, true, 2);
      HourglassConfig c = HourglassConfig.load(Optional.of("web_events"), Optional.empty(), List.of(
          "raw-root=" + uri("e/raw"), "warehouse=" + uri("e/warehouse"), "datasets.web_events.max-reject-rate=0.5"));
      IngestJob job = new IngestJob(spark, c.settings(), c.dataset("web_events"), Optional.of(KEY), progress::add);
      RunManifest m = job.run(h).manifest().orElseThrow();
      progress.add(m.toString());
    } finally {
      org.apache.logging.log4j.core.config.Configurator.setRootLevel(previous);
      ctx.getRootLogger().removeAppender(appender);
      appender.stop();
    }
    String all = captured + String.join("\n", progress);
    assertTrue(all.length() > 10_000 && all.contains("s3a"), "the capture saw the S3A traffic: " + all.length() + " chars");
    assertFalse(all.contains(S3ProxyServer.SECRET_KEY), "the secret key appeared in the logs");
    assertFalse(all.contains(new String(KEY, StandardCharsets.UTF_8)), "the HMAC key appeared in the logs");
  }

  @Test
  void multipartUploadsAreExercised() throws IOException {
    Hour h = Hour.parse("2026-11-21T01");
    FileSystem fs = new Path(uri("c")).getFileSystem(conf);
    long before = counter(fs, "object_multipart_initiated");
    // One object of more than fs.s3a.multipart.size (5 MiB) goes up in parts.
    GeneratedHour g = new WebEventsGenerator(conf).generate(h.start(), uri("c/raw"), "web-events", 90_000, 1, false, 8);
    assertTrue(g.totalBytes() > 5 * 1024 * 1024, "object is " + g.totalBytes() + " bytes");
    assertTrue(counter(fs, "object_multipart_initiated") > before, "a multipart upload was initiated");

    RunManifest m = job("c", TableFormat.PARQUET).run(h).manifest().orElseThrow();
    assertEquals(g.validRecords(), m.records().written());
  }

  @Test
  void discoveryListsOnlyTheHoursPrefix() throws IOException {
    FileSystem fs = new Path(uri("d")).getFileSystem(conf);
    Hour target = Hour.parse("2026-11-20T05");
    List<Hour> others = new ArrayList<>();
    for (int i = -24; i <= 24; i++) {
      others.add(target.plusHours(i));
    }
    for (Hour h : others) {
      for (int f = 0; f < 2; f++) {
        try (OutputStream out = fs.create(new Path(uri("d/raw/web-events/" + h.folder() + "/obj-" + f + ".gz")))) {
          out.write(new byte[] {1});
        }
      }
    }
    long before = counter(fs, "object_list_request");

    HourInput input = new HourDiscovery(conf).discover(uri("d/raw"), "web-events", target);

    long lists = counter(fs, "object_list_request") - before;
    assertEquals(2, input.files().size());
    assertTrue(lists <= 2, "discovery of one hour among " + others.size() + " made " + lists + " LIST requests");
    assertTrue(input.files().stream().allMatch(f -> f.path().contains("/" + target.folder() + "/")));
  }
}
