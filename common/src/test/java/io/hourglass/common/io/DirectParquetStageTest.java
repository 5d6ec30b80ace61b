package io.hourglass.common.io;

import static io.hourglass.common.testing.DataFrameAssert.assertSmallDatasetEquality;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.RunFailedException;
import io.hourglass.common.config.Locations;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.io.HourPartitionWriter.Staged;
import io.hourglass.common.io.HourPartitionWriter.Target;
import io.hourglass.common.spark.SparkSessions;
import io.hourglass.common.testing.SparkTestSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The direct Parquet write against Spark's own DataFrame write of the same decoded records: the same rows in
 * the same directories, files of the same shape; and its commit: a failed task leaves none of its files, a
 * stray file in the staging folder is not published, and a task past its open-file limit loses nothing.
 */
class DirectParquetStageTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.StringType, true)
      .add("v", DataTypes.IntegerType, true)
      .add("note", DataTypes.StringType, true)
      .add("dt", DataTypes.StringType, true)
      .add("h", DataTypes.IntegerType, true)
      .add("owner", DataTypes.StringType, true);
  private static final List<String> PARTITIONS = List.of("dt", "h", "owner");
  private static final String OWNER = "2026112010";

  @TempDir
  Path tmp;

  private final HourPartitionWriter writer = new HourPartitionWriter(SPARK);

  /**
   * Lines {@code id|v|note|dt|h} into rows of {@link #SCHEMA} ("-" for null); a line {@code fail} throws in the
   * task's first attempt, a line {@code stray} drops a file into the staging folder as a dead attempt would.
   */
  private record PipeDecoder(String strayIn) implements RecordDecoder {
    @Override
    public StructType schema() {
      return SCHEMA;
    }

    @Override
    public InternalRow decode(String sourceFile, long lineNo, int recNo, String value, String readError) {
      if (value == null || value.isBlank()) {
        return null;
      }
      if (value.equals("fail")) {
        throw new IllegalStateException("decoder failed on purpose at " + sourceFile + ":" + lineNo);
      }
      if (value.equals("stray")) {
        try {
          Path dir = Path.of(java.net.URI.create(strayIn)).resolve("dt=2026-11-20/h=10/owner=" + OWNER);
          Files.createDirectories(dir);
          Files.writeString(dir.resolve("part-00099-dead-a0-c000.snappy.parquet"), "not parquet");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return null;
      }
      String[] f = value.split("\\|", -1);
      return new GenericInternalRow(new Object[] {
          utf8(f[0]), f[1].equals("-") ? null : Integer.valueOf(f[1]), utf8(f[2]), utf8(f[3]),
          f[4].equals("-") ? null : Integer.valueOf(f[4]), UTF8String.fromString(OWNER)});
    }

    private static UTF8String utf8(String s) {
      return s.equals("-") ? null : UTF8String.fromString(s);
    }
  }

  private String root(String name) {
    return Locations.normalize("test", tmp.resolve(name).toString());
  }

  private Target target(String root, Map<String, String> options) {
    return new Target(root, TableFormat.PARQUET, PARTITIONS, OWNER, SCHEMA, options);
  }

  /** Three objects of rows over {@code days} dt values, hours 9-11, a null v and note now and then. */
  private HourInput input(String name, int rows, int days, List<String> extraLines) throws IOException {
    return input(name, rows, days, 1, extraLines);
  }

  /** As above, the directory changing every {@code block} ids. */
  private HourInput input(String name, int rows, int days, int block, List<String> extraLines) throws IOException {
    Path folder = tmp.resolve(name);
    Files.createDirectories(folder);
    List<InputFile> files = new ArrayList<>();
    for (int o = 0; o < 3; o++) {
      StringBuilder sb = new StringBuilder();
      for (int i = o; i < rows; i += 3) {
        sb.append(String.format("id-%05d|%s|%s|2026-11-%02d|%d%n", i, i % 7 == 0 ? "-" : String.valueOf(i),
            i % 5 == 0 ? "-" : "note " + (i % 11), 1 + (i / block / 3) % days, 9 + (i / block) % 3));
      }
      if (o == 1) {
        extraLines.forEach(l -> sb.append(l).append('\n'));
      }
      Path f = folder.resolve("object-" + o + ".json");
      Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
      files.add(new InputFile(f.toUri().toString(), Files.size(f)));
    }
    return new HourInput(folder.toUri().toString(), true, files);
  }

  private static Dataset<Row> read(String staging) {
    return SPARK.read().schema(SCHEMA).parquet(staging);
  }

  /** Every data file under {@code dir}, relative, with its footer. */
  private static Map<String, ParquetMetadata> footers(String dir) throws IOException {
    Path base = Path.of(java.net.URI.create(dir));
    Map<String, ParquetMetadata> result = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(base)) {
      for (Path p : walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList()) {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(p.toUri()), new Configuration()))) {
          result.put(base.relativize(p).toString(), r.getFooter());
        }
      }
    }
    return result;
  }

  /** The data files under {@code dir}, relative (a task of a failed job may still be writing one). */
  private static Set<String> names(String dir) throws IOException {
    Path base = Path.of(java.net.URI.create(dir));
    try (Stream<Path> walk = Files.walk(base)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).map(p -> base.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void writesTheRowsAndFilesSparksWriterWrites() throws IOException {
    HourInput input = input("raw", 3000, 2, List.of());
    Map<String, String> options = Map.of("parquet.enable.dictionary#id", "false");
    Staged spark = writer.stage(target(root("spark"), options),
        RecordSource.read(SPARK, input, new PipeDecoder(null)).coalesce(2), "run-spark");
    Staged direct = writer.stageRecords(target(root("direct"), options), input, new PipeDecoder(null), 2, "run-direct");

    assertEquals(spark.rowsByDirectory(), direct.rowsByDirectory());
    assertEquals(3000, direct.rows());
    assertEquals(6, direct.rowsByDirectory().size(), direct.rowsByDirectory().toString()); // 2 days x 3 hours
    assertEquals(DirectParquetStage.COMMITTER, direct.committer());
    assertSmallDatasetEquality(read(spark.staging()).orderBy("id"), read(direct.staging()).orderBy("id"));

    Map<String, ParquetMetadata> sparkFiles = footers(spark.staging());
    Map<String, ParquetMetadata> directFiles = footers(direct.staging());
    assertEquals(sparkFiles.size(), directFiles.size(), "one file per directory and task, as Spark's: " + directFiles.keySet());
    ParquetMetadata s = sparkFiles.values().iterator().next();
    for (Map.Entry<String, ParquetMetadata> e : directFiles.entrySet()) {
      ParquetMetadata d = e.getValue();
      assertTrue(e.getKey().matches("dt=2026-11-0[12]/h=(9|10|11)/owner=" + OWNER + "/part-0000[01]-run-direct-a0-c000\\.snappy\\.parquet"),
          e.getKey());
      assertEquals(s.getFileMetaData().getSchema(), d.getFileMetaData().getSchema(), "the same Parquet schema");
      assertEquals(s.getFileMetaData().getKeyValueMetaData(), d.getFileMetaData().getKeyValueMetaData(),
          "the same Spark schema and version in the footer");
      List<ColumnChunkMetaData> sc = s.getBlocks().get(0).getColumns();
      List<ColumnChunkMetaData> dc = d.getBlocks().get(0).getColumns();
      for (int i = 0; i < sc.size(); i++) {
        assertEquals(sc.get(i).getCodec(), dc.get(i).getCodec(), sc.get(i).getPath().toString());
        assertEquals(sc.get(i).hasDictionaryPage(), dc.get(i).hasDictionaryPage(), sc.get(i).getPath().toString());
      }
      assertFalse(dc.get(0).hasDictionaryPage(), "the per-column option reached the writer: no dictionary for id");
      assertTrue(dc.get(2).hasDictionaryPage(), "note keeps its dictionary");
    }
  }

  @Test
  void aSessionsSettingsReachTheDirectWriteWhichBuildsNoSqlState() throws IOException {
    SparkSession fresh = SparkTestSession.fresh(Map.of("spark.sql.parquet.compression.codec", "zstd"));
    HourInput input = input("raw", 300, 1, List.of());

    Staged direct = new HourPartitionWriter(fresh).stageRecords(target(root("direct"), Map.of()), input,
        new PipeDecoder(null), 2, "run-z");

    assertEquals(300, direct.rows());
    assertFalse(SparkSessions.sqlStateBuilt(fresh), "a job of plain tasks needs no analyser, parser or function registry");
    Map<String, ParquetMetadata> files = footers(direct.staging());
    assertFalse(files.isEmpty());
    for (Map.Entry<String, ParquetMetadata> e : files.entrySet()) {
      assertTrue(e.getKey().endsWith(".zstd.parquet"), e.getKey());
      for (ColumnChunkMetaData c : e.getValue().getBlocks().get(0).getColumns()) {
        assertEquals(CompressionCodecName.ZSTD, c.getCodec(), e.getKey() + " " + c.getPath());
      }
    }
  }

  @Test
  void rowsHandedOverAreWrittenHereAsSparksWriterWritesThemAndPublished() throws IOException {
    HourInput input = input("raw", 900, 1, List.of());
    List<String> lines = new ArrayList<>();
    for (InputFile f : input.files()) {
      lines.addAll(Files.readAllLines(Path.of(java.net.URI.create(f.path()))));
    }
    Staged spark = writer.stage(target(root("spark"), Map.of()),
        RecordSource.read(SPARK, input, new PipeDecoder(null)).coalesce(1), "run-spark");
    Target here = target(root("here"), Map.of());
    HourPartitionWriter.Outcome done = writer.replaceRows(here, sink -> {
      PipeDecoder decoder = new PipeDecoder(null);
      for (int i = 0; i < lines.size(); i++) {
        InternalRow row = decoder.decode("object", i + 1, 0, lines.get(i), null);
        if (row != null) {
          sink.accept(row);
        }
      }
    }, 900, "run-here", () -> { });

    assertEquals(spark.rowsByDirectory(), done.rowsByDirectory());
    assertEquals(DirectParquetStage.COMMITTER, done.committer());
    assertSmallDatasetEquality(read(spark.staging()).orderBy("id"), read(root("here")).orderBy("id"));
    ParquetMetadata s = footers(spark.staging()).values().iterator().next();
    for (ParquetMetadata d : footers(root("here")).values()) {
      assertEquals(s.getFileMetaData().getSchema(), d.getFileMetaData().getSchema(), "the same Parquet schema");
      assertEquals(s.getFileMetaData().getKeyValueMetaData(), d.getFileMetaData().getKeyValueMetaData());
    }
    assertFalse(Files.exists(Path.of(java.net.URI.create(root("here") + "/_staging/owner=" + OWNER))), "published: no staging left");

    // A count that differs from the accounts publishes nothing, and a source that fails leaves nothing behind.
    RunFailedException wrong = assertThrows(RunFailedException.class,
        () -> writer.replaceRows(target(root("wrong"), Map.of()), sink -> sink.accept(new PipeDecoder(null)
            .decode("object", 1, 0, "id-1|1|n|2026-11-01|9", null)), 2, "run-w", () -> { }));
    assertTrue(wrong.getMessage().contains("wrote 1 rows but the run's accounts expect 2"), wrong.getMessage());
    IllegalStateException broken = assertThrows(IllegalStateException.class,
        () -> writer.replaceRows(target(root("broken"), Map.of()), sink -> {
          sink.accept(new PipeDecoder(null).decode("object", 1, 0, "id-1|1|n|2026-11-01|9", null));
          throw new IllegalStateException("the source broke");
        }, 1, "run-b", () -> { }));
    assertEquals("the source broke", broken.getMessage());
    assertEquals(Set.of(), names(root("broken")), "the writer deleted the file it had begun");
  }

  @Test
  void tasksReadConsecutiveObjectsInNameOrderWithTheLargestGroupAsSmallAsThatAllows() {
    List<InputFile> eight = new ArrayList<>();
    for (int i = 7; i >= 0; i--) { // listed out of order
      eight.add(new InputFile("s3://raw/obj-" + i, 100 + i));
    }
    assertEquals(List.of(List.of("s3://raw/obj-0", "s3://raw/obj-1", "s3://raw/obj-2", "s3://raw/obj-3"),
        List.of("s3://raw/obj-4", "s3://raw/obj-5", "s3://raw/obj-6", "s3://raw/obj-7")), DirectParquetStage.groups(eight, 2));
    assertEquals(8, DirectParquetStage.groups(eight, 8).size());
    assertEquals(8, DirectParquetStage.groups(eight, 20).size(), "never more groups than objects");

    List<InputFile> oneLarge = new ArrayList<>(List.of(new InputFile("s3://raw/a", 1000)));
    for (int i = 0; i < 9; i++) {
      oneLarge.add(new InputFile("s3://raw/b" + i, 100));
    }
    List<List<String>> g = DirectParquetStage.groups(oneLarge, 2);
    assertEquals(List.of("s3://raw/a"), g.get(0), "the large object alone, the nine small ones together (900 bytes)");
    assertEquals(9, g.get(1).size());
    assertEquals(List.of(List.of()), DirectParquetStage.groups(List.of(), 2), "no object: one empty group");
  }

  @Test
  void aFailedTaskLeavesNoneOfItsFilesAndTheNextRunStartsClean() throws IOException {
    HourInput input = input("raw", 600, 1, List.of("fail"));
    Target target = target(root("t"), Map.of());
    SparkException failed = assertThrows(SparkException.class,
        () -> writer.stageRecords(target, input, new PipeDecoder(null), 3, "run-1"));
    assertTrue(failed.getMessage().contains("decoder failed on purpose"), failed.getMessage());
    String staging = root("t") + "/_staging/owner=" + OWNER + "/run-1";
    Set<String> left = names(staging);
    // object-1 went to task 1 (tasks read consecutive objects in name order), which failed after writing rows and
    // deleted its own files; those of the tasks that finished stay, uncommitted, until the next run of the hour
    // clears the staging folder.
    assertTrue(left.stream().noneMatch(f -> f.contains("part-00001-")), left.toString());

    HourInput fixed = input("raw-fixed", 600, 1, List.of());
    Staged again = writer.stageRecords(target, fixed, new PipeDecoder(null), 3, "run-2");
    assertEquals(600, again.rows());
    assertFalse(Files.exists(Path.of(java.net.URI.create(staging))), "the failed run's staging is gone");
    assertEquals(600, read(again.staging()).count());
  }

  @Test
  void aFileNoSuccessfulAttemptWroteIsNotKept() throws IOException {
    String t = root("t");
    String staging = t + "/_staging/owner=" + OWNER + "/run-1";
    HourInput input = input("raw", 300, 1, List.of("stray"));
    Staged staged = writer.stageRecords(target(t, Map.of()), input, new PipeDecoder(staging), 2, "run-1");

    assertEquals(300, staged.rows(), "counted from the committed files only");
    Set<String> files = footers(staging).keySet();
    assertTrue(files.stream().noneMatch(f -> f.contains("dead")), files.toString());
    assertEquals(300, read(staged.staging()).count());
  }

  @Test
  void aTaskPastItsOpenFileLimitClosesTheOldestAndLosesNothing() throws IOException {
    HourInput input = input("raw", 900, 5, 60, List.of()); // 15 directories, 20 rows of an object in a row in each
    Staged staged = writer.stageRecords(target(root("t"), Map.of()), input, new PipeDecoder(null), 1, "run-1", 2);

    assertEquals(900, staged.rows());
    assertEquals(15, staged.rowsByDirectory().size());
    Set<String> files = footers(staged.staging()).keySet();
    assertTrue(files.size() > 15, "directories met again after their file was closed get another: " + files.size());
    assertTrue(files.stream().anyMatch(f -> f.endsWith("-c001.snappy.parquet")), files.toString());
    Set<String> ids = read(staged.staging()).select("id").collectAsList().stream().map(r -> r.getString(0))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(900, ids.size(), "every row once");
  }

  @Test
  void objectsWithoutARowStageNothingAndFailNothing() throws IOException {
    HourInput input = input("raw", 0, 1, List.of());
    Staged staged = writer.stageRecords(target(root("t"), Map.of()), input, new PipeDecoder(null), 2, "run-1");
    assertEquals(Map.of(), staged.rowsByDirectory());
    assertEquals(DirectParquetStage.COMMITTER, staged.committer());
  }

  @Test
  void isUsedOnlyWhereItWritesWhatSparkWould() {
    assertTrue(writer.writesDirectly(target(root("t"), Map.of())));
    StructType dateFirst = new StructType().add("id", DataTypes.StringType).add("dt", DataTypes.DateType)
        .add("owner", DataTypes.StringType);
    assertFalse(writer.writesDirectly(new Target(root("t"), TableFormat.PARQUET, List.of("dt", "owner"), OWNER, dateFirst)),
        "a date partition is named by Spark's formatting");
    StructType notLast = new StructType().add("dt", DataTypes.StringType).add("id", DataTypes.StringType)
        .add("owner", DataTypes.StringType);
    assertFalse(writer.writesDirectly(new Target(root("t"), TableFormat.PARQUET, List.of("dt", "owner"), OWNER, notLast)),
        "partition columns must be the last columns");
    assertFalse(writer.writesDirectly(new Target(root("t"), TableFormat.AVRO, PARTITIONS, OWNER, SCHEMA)));
  }
}
