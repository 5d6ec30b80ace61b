package io.hourglass.jobs.ingest;

import static io.hourglass.common.testing.DataFrameAssert.assertSmallDatasetEquality;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.RunFailedException;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.io.ManifestStore;
import io.hourglass.common.io.RunManifest;
import io.hourglass.jobs.generate.GeneratedHour;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ingest job end to end on generated hours, for each table format. */
class IngestJobTest {
  private static final Hour H = Hour.parse("2026-11-20T10");

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(TableFormat.class)
  void accountsBalanceAndMatchWhatWasGenerated(TableFormat format) throws IOException {
    IngestFixture f = new IngestFixture(dir, format);
    GeneratedHour g = f.generate(H, 3000, true, 11);
    IngestJob job = f.job();

    IngestJob.Result result = job.run(H);
    if (format != TableFormat.DELTA) { // Delta tables take the two passes, replaced in one commit
      assertTrue(f.progress.stream().anyMatch(l -> l.contains("event_ids repeat: staging the hour again without their later copies")),
          "the generated duplicates are dropped by a second single pass: " + f.progress);
    }

    RunManifest m = result.manifest().orElseThrow();
    RunManifest.Accounts a = m.records();
    assertTrue(a.balanced(), a.toString());
    assertEquals(g.records(), a.read());
    assertEquals(g.validRecords(), a.written());
    assertEquals(g.duplicates(), a.duplicates());
    assertEquals(g.rejected(), a.quarantined());
    assertEquals(g.blankLines(), a.blankLines());
    Map<String, Long> expectedReasons = g.rejectsByReason().entrySet().stream().filter(e -> e.getValue() > 0)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (x, y) -> x, TreeMap::new));
    assertEquals(expectedReasons, m.quarantinedByReason());
    assertEquals(g.totalBytes(), m.input().bytes());
    assertEquals(g.files().size(), m.input().fileCount());

    // The manifest on storage is the one returned, and the table holds exactly what it says.
    RunManifest stored = new ManifestStore(new Configuration()).read(job.tableRoot(), H).orElseThrow();
    assertEquals(m, stored);
    assertEquals(a.written(), f.table(H).count());
    assertEquals(a.written(), f.table(H).select("event_id").distinct().count(), "no duplicate event_id in the table");
  }

  @Test
  void pastTheHashLimitTheStagedEventIdsAreReadBack() throws IOException {
    IngestFixture clean = new IngestFixture(dir.resolve("clean"), TableFormat.PARQUET);
    clean.generate(H, 3000, false, 21);
    RunManifest.Accounts a = clean.job().withIdHashesPerObject(100).run(H).manifest().orElseThrow().records();
    assertEquals(3000, a.written());
    assertTrue(clean.progress.stream().anyMatch(l -> l.contains("checking event_ids in the staged rows")), clean.progress.toString());
    assertTrue(clean.progress.stream().noneMatch(l -> l.contains("one pass is not enough")), clean.progress.toString());

    IngestFixture dirty = new IngestFixture(dir.resolve("dirty"), TableFormat.PARQUET);
    GeneratedHour g = dirty.generate(H, 3000, true, 22);
    RunManifest.Accounts d = dirty.job().withIdHashesPerObject(100).run(H).manifest().orElseThrow().records();
    assertTrue(g.duplicates() > 0, "the dirty hour has duplicates");
    assertTrue(dirty.progress.stream().anyMatch(l -> l.contains("one pass is not enough (an event_id repeats)")),
        "the read-back found the repeats: " + dirty.progress);
    assertEquals(g.duplicates(), d.duplicates());
    assertEquals(g.validRecords(), d.written());
    assertEquals(d.written(), dirty.table(H).select("event_id").distinct().count(), "no duplicate event_id in the table");
  }

  @Test
  void moreRepeatedIdsThanASecondSinglePassDropsTakeTheTwoPasses() throws IOException {
    IngestFixture f = new IngestFixture(dir, TableFormat.PARQUET);
    GeneratedHour g = f.generate(H, 3000, true, 23);
    assertTrue(g.duplicates() > 1, "the dirty hour repeats more than one event_id: " + g.duplicates());
    RunManifest.Accounts a = f.job().withMaxRepeatedIds(1).run(H).manifest().orElseThrow().records();
    assertTrue(f.progress.stream().anyMatch(l -> l.matches(".*one pass is not enough \\(\\d+ event_ids repeat, more than 1\\).*")),
        f.progress.toString());
    assertEquals(g.duplicates(), a.duplicates());
    assertEquals(g.validRecords(), a.written());
    assertEquals(a.written(), f.table(H).select("event_id").distinct().count(), "no duplicate event_id in the table");
  }

  @Test
  void aWholeObjectDeliveredTwiceIsDroppedByTheSecondSinglePass() throws IOException {
    IngestFixture f = new IngestFixture(dir, TableFormat.PARQUET);
    GeneratedHour g = f.generate(H, 3000, false, 41);
    Path first = Path.of(java.net.URI.create(g.files().get(0)));
    // Delivered again under a later name, as a Firehose retry of the S3 delivery would: every id in it repeats.
    Path again = first.resolveSibling("web-events-1-2026-11-20-10-59-59-00000000-0000-4000-8000-000000000000.gz");
    Files.copy(first, again);
    long copies = gunzippedLines(first).size();

    RunManifest.Accounts a = f.job().run(H).manifest().orElseThrow().records();
    assertTrue(f.progress.contains(copies + " event_ids repeat: staging the hour again without their later copies"),
        f.progress.toString());
    assertEquals(3000 + copies, a.read());
    assertEquals(copies, a.duplicates());
    assertEquals(3000, a.written());
    assertEquals(3000, f.table(H).select("event_id").distinct().count());
    assertEquals(0, f.table(H).where(col("source_file").endsWith(again.getFileName().toString())).count(),
        "the later object's copies are the ones dropped");
  }

  @Test
  void copiesWithinAnObjectAreDroppedInTheSinglePass() throws IOException {
    IngestFixture f = new IngestFixture(dir, TableFormat.PARQUET);
    GeneratedHour g = f.generate(H, 3000, false, 42);
    for (String file : g.files()) { // a producer's retries: two records of each object sent again, further down it
      Path p = Path.of(java.net.URI.create(file));
      List<String> lines = new java.util.ArrayList<>(gunzippedLines(p));
      lines.add(700, lines.get(10));
      lines.add(lines.get(20));
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
        out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }

    RunManifest.Accounts a = f.job().run(H).manifest().orElseThrow().records();
    assertTrue(f.progress.stream().noneMatch(l -> l.contains("event_ids repeat")), "no second pass: " + f.progress);
    assertEquals(3006, a.read());
    assertEquals(6, a.duplicates());
    assertEquals(3000, a.written());
    assertEquals(3000, f.table(H).count());
    assertEquals(3000, f.table(H).select("event_id").distinct().count());
  }

  private static List<String> gunzippedLines(Path gz) throws IOException {
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void theLimitOnRepeatedIdsGrowsWithTheDriversHeap() {
    assertEquals(524_288, IngestJob.maxRepeatedIds(1L << 30), "1 GiB");
    assertEquals(8 * 524_288, IngestJob.maxRepeatedIds(8L << 30));
    assertEquals(IngestJob.MIN_REPEATED_IDS, IngestJob.maxRepeatedIds(64L << 20), "never below the floor");
  }

  @ParameterizedTest
  @EnumSource(value = TableFormat.class, names = {"PARQUET", "AVRO"}) // the direct write, and Spark's writer
  void rejectedRecordsPastATasksBoundAreSpilledAndAllQuarantinedInOnePass(TableFormat format) throws IOException {
    IngestFixture bounded = new IngestFixture(dir.resolve("bounded"), format);
    GeneratedHour g = bounded.generate(H, 3000, true, 31);
    assertTrue(g.rejected() > 20, "the dirty hour rejects more than the bound keeps: " + g.rejected());
    IngestJob job = bounded.job().withRejectedPerTask(5, 1 << 20);
    RunManifest m = job.run(H).manifest().orElseThrow();
    assertTrue(bounded.progress.stream().anyMatch(l -> l.matches("\\d+ rejected records were set aside in .*_spill.*")),
        bounded.progress.toString());
    assertTrue(bounded.progress.stream().noneMatch(l -> l.contains("one pass is not enough")), bounded.progress.toString());
    assertEquals(g.rejected(), m.records().quarantined());
    assertEquals(g.validRecords(), m.records().written());
    assertFalse(Files.exists(bounded.warehouse.resolve("_quarantine/web_events/_spill")), "the spill goes when the run ends");

    // Exactly the quarantine of a run that kept every rejected record in memory.
    IngestFixture free = new IngestFixture(dir.resolve("free"), format);
    free.generate(H, 3000, true, 31);
    free.job().run(H);
    assertTrue(free.progress.stream().noneMatch(l -> l.contains("set aside")), free.progress.toString());
    assertSmallDatasetEquality(objectNames(free.quarantine(H)), objectNames(bounded.quarantine(H)));

    // The bound on bytes spills too: 2 KiB keeps only the first few records of each task in memory.
    IngestFixture bytes = new IngestFixture(dir.resolve("bytes"), format);
    bytes.generate(H, 3000, true, 31);
    bytes.job().withRejectedPerTask(1000, 2048).run(H);
    assertTrue(bytes.progress.stream().anyMatch(l -> l.contains("rejected records were set aside")), bytes.progress.toString());
    assertSmallDatasetEquality(objectNames(free.quarantine(H)), objectNames(bytes.quarantine(H)));
  }

  /** Quarantine rows with the object's name for its path, for runs of the same hour in different folders. */
  private static Dataset<Row> objectNames(Dataset<Row> quarantine) {
    return quarantine.withColumn("source_file", org.apache.spark.sql.functions.regexp_extract(col("source_file"), "[^/]+$", 0));
  }

  @Test
  void writeTasksFillWholeWavesOfCores() {
    long mib = 1024 * 1024;
    assertEquals(2, IngestJob.writeTasks(0, 2));
    assertEquals(2, IngestJob.writeTasks(60 * mib, 2), "a small hour: one task per core");
    assertEquals(2, IngestJob.writeTasks(256 * mib, 2));
    assertEquals(4, IngestJob.writeTasks(330 * mib, 2), "three tasks' worth on two cores: two full waves, not 2 + 1");
    assertEquals(8, IngestJob.writeTasks(5 * 128 * mib, 8));
    assertEquals(24, IngestJob.writeTasks(17 * 128 * mib, 8));
  }

  @Test
  void parquetSkipsTheDictionaryForNearlyUniqueColumnsOnly() throws IOException {
    IngestFixture f = new IngestFixture(dir, TableFormat.PARQUET);
    f.generate(H, 2000, false, 5);
    f.job().run(H);

    List<Path> files;
    try (Stream<Path> walk = Files.walk(f.warehouse.resolve("events"))) {
      files = walk.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
    assertFalse(files.isEmpty());
    Map<String, Boolean> dictionary = new TreeMap<>();
    for (Path file : files) {
      try (ParquetFileReader reader = ParquetFileReader.open(
          HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
        for (BlockMetaData block : reader.getFooter().getBlocks()) {
          for (ColumnChunkMetaData column : block.getColumns()) {
            dictionary.merge(column.getPath().toDotString(), column.hasDictionaryPage(), Boolean::logicalOr);
          }
        }
      }
    }
    for (String column : List.of("event_id", "session_id", "user_id", "url", "url_path", "props.key_value.value", "ip",
        "event_time")) {
      assertEquals(false, dictionary.get(column), column + " in " + dictionary);
    }
    for (String column : List.of("event_type", "user_agent", "country", "source_file", "props.key_value.key")) {
      assertEquals(true, dictionary.get(column), column + " in " + dictionary);
    }
  }

  @ParameterizedTest
  @EnumSource(TableFormat.class)
  void eachBadRecordKindLandsInQuarantineWithReasonSourceAndRawText(TableFormat format) throws IOException {
    IngestFixture f = new IngestFixture(dir, format);
    GeneratedHour g = f.generate(H, 1000, true, 5);
    f.job().run(H);

    Dataset<Row> q = f.quarantine(H);
    Map<String, Long> byReason = new TreeMap<>();
    for (Row r : q.groupBy("reason").count().collectAsList()) {
      byReason.put(r.getString(0), r.getLong(1));
    }
    for (String reason : GeneratedHour.REJECT_REASONS) {
      assertEquals(g.rejectsByReason().get(reason), byReason.getOrDefault(reason, 0L), reason);
      assertTrue(byReason.getOrDefault(reason, 0L) > 0, "the generator planted " + reason);
    }
    assertEquals(0, q.where(col("raw").isNull().or(col("source_file").isNull()).or(col("detail").isNull())).count());
    assertEquals(0, q.where(col("line_no").leq(0)).count());
  }

  @ParameterizedTest
  @EnumSource(TableFormat.class)
  void reRunGivesIdenticalRowsAndLateEventsStayInTheirEventHour(TableFormat format) throws IOException {
    IngestFixture f = new IngestFixture(dir, format);
    GeneratedHour g = f.generate(H, 2000, true, 3);
    IngestJob job = f.job();
    job.run(H);
    List<Row> first = sorted(f.table(H));

    job.run(H);
    Dataset<Row> second = f.table(H);
    assertSmallDatasetEquality(f.spark.createDataFrame(first, second.schema()), second);

    long late = second.where(col("dt").notEqual("2026-11-20").or(col("hour").notEqual(10))).count();
    assertEquals(g.lateInWindow(), late);
    assertTrue(late > 0, "the generator planted late events");
  }

  @ParameterizedTest
  @EnumSource(TableFormat.class)
  void reRunThatNoLongerProducesALateHourRemovesIt(TableFormat format) throws IOException {
    IngestFixture f = new IngestFixture(dir, format);
    f.generate(H, 1000, false, 9);
    IngestJob job = f.job();
    job.run(H);
    assertTrue(f.table(H).where(col("hour").lt(10)).count() > 0, "first run wrote late hours");

    // The hour's raw data is replaced by records all in the arrival hour (say, a producer's fix).
    clear(f.hourFolder(H));
    writeGzip(f.hourFolder(H).resolve("web-events-1-2026-11-20-10-30-00-fixed.gz"),
        "{\"event_id\":\"a\",\"event_type\":\"click\",\"event_time\":\"2026-11-20T10:05:00Z\",\"site_id\":1}",
        "{\"event_id\":\"b\",\"event_type\":\"click\",\"event_time\":\"2026-11-20T10:06:00Z\",\"site_id\":2}");
    RunManifest m = job.run(H).manifest().orElseThrow();

    assertEquals(List.of("dt=2026-11-20/hour=10/ingest_hour=" + H.id()), List.copyOf(m.output().directories().keySet()));
    assertEquals(2, f.table(H).count());
    assertEquals(0, f.table(H).where(col("hour").lt(10)).count());
    if (format != TableFormat.DELTA) {
      // Files formats: the directories themselves are gone. Delta keeps tombstoned files until VACUUM.
      for (int h = 4; h < 10; h++) {
        assertFalse(Files.exists(f.warehouse.resolve("events/dt=2026-11-20/hour=" + h + "/ingest_hour=" + H.id())), "hour " + h);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TableFormat.class)
  void reRunLeavesOtherArrivalHoursUntouched(TableFormat format) throws IOException {
    IngestFixture f = new IngestFixture(dir, format);
    Hour next = H.plusHours(1);
    f.generate(H, 800, false, 1);
    f.generate(next, 800, false, 2);
    IngestJob job = f.job();
    job.run(H);
    job.run(next);
    List<Row> nextRows = sorted(f.table(next));
    Map<String, String> nextFiles = files(f.warehouse.resolve("events"), "ingest_hour=" + next.id());
    assertFalse(nextFiles.isEmpty());

    job.run(H);

    Dataset<Row> after = f.table(next);
    assertSmallDatasetEquality(f.spark.createDataFrame(nextRows, after.schema()), after);
    if (format != TableFormat.DELTA) {
      assertEquals(nextFiles, files(f.warehouse.resolve("events"), "ingest_hour=" + next.id()), "files of the other hour");
    }
    assertTrue(new ManifestStore(new Configuration()).read(job.tableRoot(), next).isPresent());
  }

  @ParameterizedTest
  @EnumSource(value = TableFormat.class, names = {"PARQUET", "DELTA"})
  void truncatedGzipFailsNamingTheFileAndWritesNothing(TableFormat format) throws IOException {
    IngestFixture f = new IngestFixture(dir, format);
    GeneratedHour g = f.generate(H, 600, false, 4);
    Path victim = Path.of(java.net.URI.create(g.files().get(1)));
    byte[] bytes = Files.readAllBytes(victim);
    Files.write(victim, Arrays.copyOf(bytes, bytes.length / 2));

    RunFailedException e = assertThrows(RunFailedException.class, () -> f.job().run(H));

    assertTrue(e.getMessage().contains(victim.getFileName().toString()), e.getMessage());
    assertTrue(e.getMessage().startsWith("corrupt input file "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
    assertFalse(Files.exists(f.warehouse.resolve("events")), "nothing written");
  }

  @ParameterizedTest
  @EnumSource(value = TableFormat.class, names = {"PARQUET"})
  void truncatedGzipCanBeSkippedAndCounted(TableFormat format) throws IOException {
    IngestFixture f = new IngestFixture(dir, format);
    GeneratedHour g = f.generate(H, 600, false, 4);
    Path victim = Path.of(java.net.URI.create(g.files().get(1)));
    byte[] bytes = Files.readAllBytes(victim);
    Files.write(victim, Arrays.copyOf(bytes, bytes.length / 2));

    RunManifest m = f.job("datasets.web_events.input.on-corrupt-file=skip").run(H).manifest().orElseThrow();

    assertTrue(m.records().balanced(), m.records().toString());
    assertEquals(1L, m.quarantinedByReason().get("corrupt_file"), m.quarantinedByReason().toString());
    // The line the damage cut in two comes back as it was decoded, and is quarantined as malformed: nothing lost.
    assertTrue(m.quarantinedByReason().getOrDefault("malformed_json", 0L) <= 1, m.quarantinedByReason().toString());
    assertEquals(m.records().quarantined(), m.quarantinedByReason().values().stream().mapToLong(Long::longValue).sum());
    assertTrue(m.records().written() > 0 && m.records().written() < g.validRecords(), m.records().toString());
    Row q = f.quarantine(H).where(col("reason").equalTo("corrupt_file")).collectAsList().get(0);
    assertEquals("corrupt_file", q.getAs("reason"));
    assertTrue(q.<String>getAs("source_file").endsWith(victim.getFileName().toString()));
  }

  @ParameterizedTest
  @EnumSource(value = TableFormat.class, names = {"PARQUET", "DELTA"})
  void rejectRateAboveThresholdFailsAfterWritingQuarantineKeepsTheRowsAndWithdrawsTheManifest(TableFormat format) throws IOException {
    IngestFixture f = new IngestFixture(dir, format);
    f.generate(H, 1000, false, 6);
    f.job().run(H);
    List<Row> before = sorted(f.table(H));

    clear(f.hourFolder(H));
    GeneratedHour dirty = f.generate(H, 1000, true, 7);
    RunFailedException e = assertThrows(RunFailedException.class,
        () -> f.job("datasets.web_events.max-reject-rate=0.01").run(H));

    assertTrue(e.getMessage().startsWith("reject rate "), e.getMessage());
    assertEquals(dirty.rejected(), f.quarantine(H).count(), "quarantine written");
    Dataset<Row> after = f.table(H);
    assertSmallDatasetEquality(f.spark.createDataFrame(before, after.schema()), after);
    // The old manifest counted the old run's quarantine, which this run replaced: it goes, so that no manifest
    // describes the hour other than it is (the ledger has the hour failed; a re-run writes a new one).
    assertFalse(new ManifestStore(new Configuration()).read(f.warehouse.resolve("events").toUri().toString(), H).isPresent(),
        "the manifest is withdrawn with the quarantine's swap");
  }

  @ParameterizedTest
  @EnumSource(value = TableFormat.class, names = {"PARQUET"})
  void emptyHourWritesNothingAndLeavesOutputAlone(TableFormat format) throws IOException {
    IngestFixture f = new IngestFixture(dir, format);
    f.generate(H, 300, false, 8);
    IngestJob job = f.job();
    job.run(H);
    long rows = f.table(H).count();

    clear(f.hourFolder(H));
    IngestJob.Result result = job.run(H);
    IngestJob.Result missing = job.run(H.plusHours(5));

    assertTrue(result.empty());
    assertTrue(result.input().exists());
    assertFalse(missing.input().exists());
    assertEquals(rows, f.table(H).count());
  }

  private static List<Row> sorted(Dataset<Row> ds) {
    return ds.orderBy(col("event_id")).collectAsList();
  }

  private static void clear(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
  }

  private static void writeGzip(Path file, String... lines) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Data files (path relative to root -> size and modification time) below directories named {@code leaf}. */
  private static Map<String, String> files(Path root, String leaf) throws IOException {
    Map<String, String> out = new HashMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
        if (p.getParent().getFileName().toString().equals(leaf)) {
          out.put(root.relativize(p).toString(), Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
        }
      }
    }
    return out;
  }
}
